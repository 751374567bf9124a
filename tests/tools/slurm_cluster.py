#!/usr/bin/python3
"""A real single-node Slurm cluster for one command, then gone.

    slurm_cluster.py [--cwd DIR] -- COMMAND [ARG...]

Writes a slurm.conf into a fresh temporary folder (state, spool, pid and log files all inside it,
free TCP ports picked now, auth/none so munge is not needed, SlurmUser = the current user, one
node "localhost" with this machine's CPUs and memory as `slurmd -C` reports them), starts
slurmctld -D and slurmd -D in their own process groups, waits until `scontrol ping` answers and
the node is idle, runs COMMAND with SLURM_CONF pointing at the cluster, and exits with COMMAND's
status. Whatever happens (failure, Ctrl-C, SIGTERM), both daemons and every job step they
started are killed by process group and the folder is removed. On a failure to come up, the
daemons' logs are printed to stderr.
"""

import argparse
import getpass
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

STARTUP_TIMEOUT_S = 60
START_ATTEMPTS = 3


class DaemonExited(RuntimeError):
    """A daemon stopped while starting: most often a port taken between picking and binding it."""


def free_ports(count):
    """Ports nothing listens on now (bound and released; the daemons take them a moment later)."""
    sockets, ports = [], []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


def node_hardware():
    """'CPUs=2 Boards=1 ... RealMemory=24105' as slurmd itself measures this machine."""
    line = subprocess.run(["slurmd", "-C"], check=True, capture_output=True, text=True).stdout
    first = line.splitlines()[0]
    fields = [f for f in first.split() if not f.startswith("NodeName=")]
    return " ".join(fields)


def write_conf(root):
    ctld_port, slurmd_port = free_ports(2)
    user = getpass.getuser()
    for sub in ("state", "spool", "log"):
        shutil.rmtree(os.path.join(root, sub), ignore_errors=True)
        os.makedirs(os.path.join(root, sub))
    conf = f"""# Written by tests/tools/slurm_cluster.py for one test run.
ClusterName=twintest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser={user}
SlurmdUser={user}
AuthType=auth/none
CredType=cred/none
MpiDefault=none
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdParameters=config_overrides
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig={root}/plugstack.conf
SlurmctldTimeout=30
SlurmdTimeout=30
MessageTimeout=10
InactiveLimit=0
KillWait=5
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 {node_hardware()} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
"""
    path = os.path.join(root, "slurm.conf")
    with open(path, "w") as f:
        f.write(conf)
    # An empty SPANK stack: the system's /etc/slurm/plugstack.conf is not ours to depend on.
    open(os.path.join(root, "plugstack.conf"), "w").close()
    return path


def start(argv, env, log):
    """Starts a daemon in its own session (so its process group holds it and its children)."""
    out = open(log, "ab")
    return subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                            start_new_session=True)


def stop(process):
    """SIGTERM to the process group, then SIGKILL to whatever is left of it."""
    if process is None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def wait_until_up(env, daemons):
    """Until `scontrol ping` says the controller is UP and sinfo shows the node idle."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = ""
    while time.monotonic() < deadline:
        for name, process in daemons.items():
            if process.poll() is not None:
                raise DaemonExited(f"{name} exited with status {process.returncode} while starting")
        ping = subprocess.run(["scontrol", "ping"], env=env, capture_output=True, text=True)
        state = subprocess.run(["sinfo", "-h", "-N", "-o", "%N %t"], env=env,
                               capture_output=True, text=True)
        last = ping.stdout.strip() + " | " + state.stdout.strip() + state.stderr.strip()
        if re.search(r"\bUP\b", ping.stdout) and re.search(r"^localhost idle$", state.stdout,
                                                           re.M):
            return
        time.sleep(0.5)
    raise RuntimeError(f"the cluster did not come up within {STARTUP_TIMEOUT_S} s: {last}")


def dump_logs(root):
    for name in ("slurmctld.log", "slurmd.log"):
        path = os.path.join(root, "log", name)
        if os.path.exists(path):
            sys.stderr.write(f"==== {name}\n")
            with open(path, errors="replace") as f:
                sys.stderr.write(f.read()[-6000:])


def interrupted(signum, frame):
    raise KeyboardInterrupt()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cwd", default=None, help="folder COMMAND runs in")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no COMMAND given")

    # SIGTERM (a test runner's timeout) unwinds through the finally below like Ctrl-C does.
    signal.signal(signal.SIGTERM, interrupted)

    root = tempfile.mkdtemp(prefix="twin_slurm_")
    os.chmod(root, 0o755)  # slurmstepd may run as the job's user
    ctld = slurmd = None
    env = dict(os.environ, SLURM_CONF=os.path.join(root, "slurm.conf"))
    try:
        for attempt in range(1, START_ATTEMPTS + 1):
            write_conf(root)
            ctld = start(["slurmctld", "-D", "-i"], env,
                         os.path.join(root, "log", "slurmctld.out"))
            slurmd = start(["slurmd", "-D", "-N", "localhost"], env,
                           os.path.join(root, "log", "slurmd.out"))
            try:
                wait_until_up(env, {"slurmctld": ctld, "slurmd": slurmd})
                break
            except RuntimeError as e:
                sys.stderr.write(f"slurm_cluster: {e}\n")
                dump_logs(root)
                if not isinstance(e, DaemonExited) or attempt == START_ATTEMPTS:
                    return 1
                sys.stderr.write("slurm_cluster: starting again on other ports\n")
                stop(ctld)
                stop(slurmd)
                kill_leftovers(root)
        print(f"slurm_cluster: up (SLURM_CONF={env['SLURM_CONF']})", file=sys.stderr, flush=True)
        status = subprocess.run(command, env=env, cwd=args.cwd).returncode
        if status != 0:
            dump_logs(root)
        return status
    except KeyboardInterrupt:
        sys.stderr.write("slurm_cluster: interrupted; stopping the cluster\n")
        return 130
    finally:
        if ctld is not None and ctld.poll() is None:
            cancel_jobs(env)
        # The controller first, so it does not requeue anything while slurmd goes.
        stop(ctld)
        stop(slurmd)
        kill_leftovers(root)
        shutil.rmtree(root, ignore_errors=True)


def cancel_jobs(env):
    """scancel every job of this cluster and wait (up to 20 s) until none is left running."""
    subprocess.run(["scancel", "--user", getpass.getuser()], env=env, capture_output=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        queue = subprocess.run(["squeue", "-h", "-o", "%i"], env=env, capture_output=True,
                               text=True)
        if queue.returncode != 0 or not queue.stdout.strip():
            return
        time.sleep(0.5)


def kill_leftovers(root):
    """Kills the process group of anything that still runs from or writes into ROOT.

    slurmstepd leaves slurmd's session (it daemonizes) and the batch script gets its own process
    group (proctrack/pgid), so stopping the daemons does not reach them; both are recognised by
    the job script's path (ROOT/spool/...) on the command line or slurmd's log file held open.
    """
    own_group = os.getpgid(0)
    for _ in range(3):
        groups = set()
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    hit = root in f.read().decode(errors="replace")
                if not hit:
                    for fd in os.listdir(f"/proc/{pid}/fd"):
                        if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(root + "/"):
                            hit = True
                            break
                if hit:
                    groups.add(os.getpgid(int(pid)))
            except OSError:
                continue
        groups.discard(own_group)
        if not groups:
            return
        for group in groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
