#!/usr/bin/env python3
"""Start-up of token-agent builds side by side, for judging one change to the agent's start path.

    benchmarks/compare-startup.py [--runs N] [--client huc|httpclient] NAME=AGENT_JAR[@JVM_OPTION...] ...

Runs benchmarks' StartupApp (one GET of a matched URL) with no agent, with an empty agent and with each named
agent jar (a one-rule JSON configuration file at the default log level, one token fetch), the modes interleaved in a
rotating order after two warm-up rounds, and prints per mode the medians of wall time, CPU time (the process's
user + system, from wait4) and peak RSS, each against no agent; then, from one run each with
-Xlog:class+load, how many of the jar's classes load before main and in all, and how many JDK classes load from
outside the CDS archive. Each jar runs as a copy named token-agent.jar in a directory of its own (the name its
manifest's Boot-Class-Path gives); JVM options after a jar, each behind an @, go on that mode's command line
(NAME=JAR@-XX:TieredStopAtLevel=1 measures what the JIT costs, for example). Unlike benchmarks/run.sh it needs no Maven build of the benchmarks and compares builds
in one run: on a shared or small machine only figures taken in the same run compare.
"""
import argparse
import http.server
import json
import os
import shutil
import socket
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TOKEN = "eyJ" + "x" * 1400  # about the length of a real Entra ID access token
HERE = os.path.dirname(os.path.abspath(__file__))
APP = "io.tokenagent.bench.StartupApp"


class Handler(http.server.BaseHTTPRequestHandler):
    """/token: an IMDS-style token; anything else: auth:yes or auth:no, whether the request carried the header."""
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path.startswith("/token"):
            body = json.dumps({"access_token": TOKEN, "expires_in": "86400", "token_type": "Bearer"}).encode()
        else:
            body = b"auth:yes" if self.headers.get("Authorization") else b"auth:no"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def server_bind(self):
        # without it every response meets the client's delayed ACK (~40 ms), drowning what is measured
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().server_bind()


def build_app(work):
    """StartupApp and an empty agent's jar, compiled from benchmarks' own sources."""
    src = os.path.join(HERE, "src/main/java/io/tokenagent/bench")
    classes = os.path.join(work, "classes")
    subprocess.run(["javac", "-d", classes, os.path.join(src, "StartupApp.java"), os.path.join(src, "EmptyAgent.java")],
                   check=True)
    manifest = os.path.join(work, "manifest.txt")
    with open(manifest, "w") as f:
        f.write("Manifest-Version: 1.0\nPremain-Class: io.tokenagent.bench.EmptyAgent\n")
    empty = os.path.join(work, "empty-agent.jar")
    subprocess.run(["jar", "cfm", empty, manifest, "-C", classes, "io/tokenagent/bench/EmptyAgent.class"], check=True)
    return classes, empty


def run(command, expected):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    # the application's line, among the agent's own (its start and token lines at the default level)
    if status != 0 or not any(line.startswith(expected) for line in out.splitlines()):
        sys.exit("run %s gave status %d: %s" % (command, status, out))
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss / 1024


def class_counts(command, jar, work):
    log = os.path.join(work, "classes.log")
    subprocess.run(command[:1] + ["-Xlog:class+load:file=" + log] + command[1:], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(log) as f:
        lines = f.readlines()
    main = next(i for i, line in enumerate(lines) if " " + APP + " " in line)
    sources = ("source: file:" + jar, "source: " + jar)  # the system class path's, the boot class path's

    def agent(line):
        return line.rstrip().endswith(sources) or " io.tokenagent." in line and "__JVM_DefineClass__" in line
    return (sum(map(agent, lines[:main])), sum(map(agent, lines)),
            sum("source: jrt:" in line for line in lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--client", default="huc", choices=["huc", "httpclient"])
    parser.add_argument("agents", nargs="+", metavar="NAME=AGENT_JAR[@JVM_OPTION...]")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="compare-startup")
    agents = []
    for argument in args.agents:
        name, spec = argument.split("=", 1)
        jar = os.path.join(work, "agent-%d" % len(agents), "token-agent.jar")
        os.makedirs(os.path.dirname(jar))
        shutil.copy(spec.split("@")[0], jar)
        agents.append((name, os.path.realpath(jar), spec.split("@")[1:]))

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % server.server_address[1]
    try:
        classes, empty = build_app(work)
        config = os.path.join(work, "rules.json")
        with open(config, "w") as f:
            json.dump({"endpoint": base + "/token",
                       "rules": [{"match": base + "/api", "resource": "https://bench.example"}]}, f)
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if "JAVA_HOME" in os.environ else "java"
        app = ["-cp", classes, APP, args.client, base + "/api/x"]
        modes = [("no agent", [java] + app, "auth:no"), ("empty agent", [java, "-javaagent:" + empty] + app, "auth:no")]
        modes += [(name, [java] + flags + ["-javaagent:%s=config=%s" % (jar, config)] + app, "auth:yes")
                  for name, jar, flags in agents]
        results = {name: [] for name, _, _ in modes}
        for i in range(2 + args.runs):
            for k in range(len(modes)):
                name, command, expected = modes[(i + k) % len(modes)]
                figures = run(command, expected)
                if i >= 2:
                    results[name].append(figures)
        none = [statistics.median(r[f] for r in results["no agent"]) for f in range(3)]
        print("%s client, medians of %d interleaved runs; ratios against no agent" % (args.client, args.runs))
        for name, command, _ in modes:
            wall, cpu, rss = (statistics.median(r[f] for r in results[name]) for f in range(3))
            line = "%-14s wall %6.1f ms %5.2fx   CPU %6.1f ms %5.2fx   peak RSS %5.1f MiB %+5.1f" % (
                name, wall, wall / none[0], cpu, cpu / none[1], rss, rss - none[2])
            jar = {n: j for n, j, _ in agents}.get(name)
            if jar:
                line += "   classes: %d of the jar's before main, %d in all; %d JDK ones not from CDS" % class_counts(
                    command, jar, work)
            print(line)
    finally:
        server.shutdown()
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
