package io.tokenagent.config;

/** How the agent writes its lines ({@code log_format}): plain text, or one JSON object per line for pipelines. */
public enum LogFormat {
    TEXT, JSON
}
