#!/usr/bin/env python3
"""Checks what `docker compose` / `docker-compose` would send as the build context of kqlisten.

Reads the kqlisten service's build context and Dockerfile from docker/docker-compose.yml, then
applies the context's .dockerignore with the matcher of docker-py, the library docker-compose v1
builds with (it reads only <context>/.dockerignore). Fails when:
  - a <Dockerfile>.dockerignore exists: BuildKit (compose v2) would prefer it to <context>/.dockerignore,
    so v1 and v2 would send different contexts;
  - <context>/.dockerignore is missing;
  - anything under target/ (any depth) or .git would be sent;
  - a COPY source of the Dockerfile's build stage would not be sent.
Needs python3-yaml and python3-docker (both come with Debian's docker-compose package); no Docker
engine. Run from anywhere: python3 docker/check-context.py
"""
import os
import re
import sys

import yaml
from docker.utils.build import exclude_paths

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    compose_file = os.path.join(HERE, "docker-compose.yml")
    with open(compose_file) as f:
        build = yaml.safe_load(f)["services"]["kqlisten"]["build"]
    context = os.path.normpath(os.path.join(HERE, build["context"]))
    dockerfile = build.get("dockerfile", "Dockerfile")
    dockerfile_path = os.path.join(context, dockerfile)
    problems = []

    if os.path.exists(dockerfile_path + ".dockerignore"):
        problems.append(f"{os.path.relpath(dockerfile_path)}.dockerignore exists: BuildKit would use it and "
                        "docker-compose v1 would not; keep the patterns in the context's .dockerignore only")
    ignore_file = os.path.join(context, ".dockerignore")
    if not os.path.exists(ignore_file):
        print(f"check-context: {ignore_file} is missing", file=sys.stderr)
        return 1
    with open(ignore_file) as f:
        patterns = [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]

    sent = sorted(exclude_paths(context, patterns, dockerfile=dockerfile))
    files = [p for p in sent if os.path.isfile(os.path.join(context, p))]
    leaked = [p for p in sent if p in (".git", "target") or p.startswith((".git/", "target/"))
              or "/target/" in "/" + p + "/"]
    if leaked:
        problems.append(f"{len(leaked)} paths under target/ or .git would be sent, e.g. {leaked[:5]}")

    # COPY sources of the stages that copy from the context (not --from=...).
    with open(dockerfile_path) as f:
        for line in f:
            m = re.match(r"\s*COPY\s+(?!--from)(.+)$", line)
            if not m:
                continue
            sources = [s for s in m.group(1).split() if not s.startswith("--")][:-1]
            for src in sources:
                src = src.rstrip("/")
                if not any(p == src or p.startswith(src + "/") for p in files):
                    problems.append(f"COPY source '{src}' of {dockerfile} would not be sent")

    size = sum(os.path.getsize(os.path.join(context, p)) for p in files)
    for problem in problems:
        print(f"check-context: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check-context: {len(files)} files, {size / 1e6:.1f} MB would be sent from "
          f"{os.path.relpath(context) or '.'}; no target/ or .git")
    return 0


if __name__ == "__main__":
    sys.exit(main())
