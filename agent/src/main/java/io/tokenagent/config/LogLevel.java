package io.tokenagent.config;

/** The agent's own log threshold ({@code log_level}). */
public enum LogLevel {
    OFF, ERROR, WARN, INFO, DEBUG
}
