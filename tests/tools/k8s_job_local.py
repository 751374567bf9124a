#!/usr/bin/python3
"""Checks a Kubernetes Indexed Job for twin datagen and runs its pods' command here, one per index.

    k8s_job_local.py JOB.yaml [--run --twin BIN --image-root DIR --data DIR [--set NAME=VALUE]...]

Without --run it only checks the Job and prints what it found: "kind Job", "completionMode
Indexed", "completions N", "parallelism N", "TWIN_SHARD_COUNT N", "claim NAME at MOUNT". With
--run it then starts, all at once as `parallelism` pods would, the container's command for every
completion index with the environment Kubernetes gives it: the container's `env:` entries in
order (NAME=VALUE from --set replaces a value, as `kubectl set env` would), then
JOB_COMPLETION_INDEX (appended by the Job controller), with $(VAR) references in env values,
command and args expanded by Kubernetes' rules ($$ is a literal $, unknown references stay).
Paths of the image are mapped onto this machine: the claim's mount path onto --data, the
container's workingDir onto --image-root (the checkout the image copies), and `twin` on PATH is
--twin. Prints "index I exit S" per pod and exits non-zero when a check or a pod fails.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml


def fail(message):
    sys.stderr.write(f"k8s_job_local: {message}\n")
    sys.exit(1)


def expand(text, env):
    """Kubernetes' $(VAR) expansion (k8s.io/kubernetes/third_party/forked/golang/expansion)."""
    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        return env[name] if name in env else match.group(0)
    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)", replace, text)


def check(job):
    """The Job's shape; returns (container, completions, mount path, claim)."""
    if job.get("apiVersion") != "batch/v1" or job.get("kind") != "Job":
        fail(f"not a batch/v1 Job: apiVersion {job.get('apiVersion')}, kind {job.get('kind')}")
    spec = job["spec"]
    print("kind Job")
    print(f"completionMode {spec.get('completionMode')}")
    if spec.get("completionMode") != "Indexed":
        fail("completionMode is not Indexed, so pods get no JOB_COMPLETION_INDEX")
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    print(f"completions {completions}")
    print(f"parallelism {parallelism}")
    pod = spec["template"]["spec"]
    if pod.get("restartPolicy") not in ("OnFailure", "Never"):
        fail(f"a Job's pods need restartPolicy OnFailure or Never, not {pod.get('restartPolicy')}")
    containers = pod["containers"]
    if len(containers) != 1:
        fail(f"expected one container, found {len(containers)}")
    container = containers[0]
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    print(f"TWIN_SHARD_COUNT {env.get('TWIN_SHARD_COUNT')}")
    if not (isinstance(completions, int) and completions == parallelism and
            env.get("TWIN_SHARD_COUNT") == str(completions)):
        fail("completions, parallelism and TWIN_SHARD_COUNT differ")
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod.get("volumes", [])
              if "persistentVolumeClaim" in v}
    mounts = [m for m in container.get("volumeMounts", []) if m["name"] in claims]
    if len(mounts) != 1:
        fail("the container mounts no PersistentVolumeClaim (or several)")
    print(f"claim {claims[mounts[0]['name']]} at {mounts[0]['mountPath']}")
    return container, completions, mounts[0]["mountPath"]


def map_path(text, image_path, local_path):
    """IMAGE_PATH as a whole path component (/data, /data/x, not /database) -> LOCAL_PATH."""
    pattern = re.escape(image_path.rstrip("/")) + r"(?=/|[\"'\s]|$)"
    return re.sub(r"(?<![\w./-])" + pattern, lambda _: local_path, text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("job")
    parser.add_argument("--run", action="store_true")
    parser.add_argument("--twin")
    parser.add_argument("--image-root")
    parser.add_argument("--data")
    parser.add_argument("--set", action="append", default=[])
    args = parser.parse_args()

    with open(args.job) as f:
        job = yaml.safe_load(f)
    container, completions, mount = check(job)
    if not args.run:
        return 0
    if not (args.twin and args.image_root and args.data):
        parser.error("--run needs --twin, --image-root and --data")

    overrides = dict(s.split("=", 1) for s in args.set)
    unknown = set(overrides) - {e["name"] for e in container.get("env", [])}
    if unknown:
        fail(f"--set names no env entry of the container: {sorted(unknown)}")
    workdir = container.get("workingDir", "/")

    def local(text):
        text = map_path(text, mount, args.data)
        return map_path(text, workdir, args.image_root)

    scratch = tempfile.mkdtemp(prefix="twin_k8s_")  # `twin` on PATH, the pods' logs
    bin_dir = os.path.join(scratch, "bin")
    os.mkdir(bin_dir)
    os.symlink(os.path.abspath(args.twin), os.path.join(bin_dir, "twin"))
    pods = []
    try:
        for index in range(completions):
            pod_env = {}
            entries = container.get("env", []) + [
                {"name": "JOB_COMPLETION_INDEX", "value": str(index)}]
            for entry in entries:
                value = overrides.get(entry["name"], entry.get("value", ""))
                pod_env[entry["name"]] = local(expand(value, pod_env))
            argv = [local(expand(a, pod_env))
                    for a in container.get("command", []) + container.get("args", [])]
            if not argv:
                fail("the container gives no command; the image's entrypoint is not known here")
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith("SLURM_") and k not in ("TWIN_SHARD_COUNT",)}
            env.update(pod_env)
            env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "/usr/bin:/bin")
            log = open(os.path.join(scratch, f"pod-{index}.log"), "wb")
            pods.append((index, log, subprocess.Popen(
                argv, env=env, cwd=args.image_root, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT)))
        status = 0
        for index, log, process in pods:
            code = process.wait()
            log.close()
            print(f"index {index} exit {code}")
            if code != 0:
                status = 1
                with open(log.name, errors="replace") as f:
                    sys.stderr.write(f"==== pod {index}\n{f.read()[-4000:]}\n")
        return status
    finally:
        for _, _, process in pods:
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
