#!/usr/bin/python3
"""The JSON Schema `twin layout schema` prints, checked with python3-jsonschema against twin itself.

Usage: layout_schema_check.py TWIN SOURCE_DIR

- the schema is a valid draft-07 schema;
- every built-in twin, every layout under tests/data and the complete example of
  scenes/README.md validate against it;
- every layout in INVALID is rejected by the schema AND by `twin check`, with twin's exact message.
Exits 1 naming each failure.
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

# (what is wrong, the layout, twin's message after "FILE:")
INVALID = [
    ("unknown key",
     "equipment:\n  - {type: conveyor, name: a, lenght: 2}\n",
     "2:31: equipment[0]: unknown key 'lenght' (did you mean 'length'?); allowed here: class, "
     "end_stop, friction, height, length, name, parent, pose, rail_height, randomize, side_rails, "
     "speed, type, width"),
    ("unknown top-level section",
     "sensor:\n  cameras: []\n",
     "1:1: unknown key 'sensor' (did you mean 'sensors'?); allowed here: autopilot, bridge, "
     "equipment, include, lights, randomize, sensors, site"),
    ("wrong type",
     "equipment:\n  - {type: conveyor, name: a, speed: fast}\n",
     "2:38: equipment[0].speed: expected a number, got 'fast'"),
    ("out-of-range value",
     "equipment:\n  - {type: conveyor, name: a, length: -2}\n",
     "2:39: equipment[0].length: must be > 0, got -2"),
    ("out-of-range site value",
     "site: {timestep: 0.5}\n",
     "1:18: site.timestep: must be in (0, 0.1], got 0.5"),
    ("integer out of range",
     "equipment:\n  - {type: rack, name: r, bays: 60}\n",
     "2:33: equipment[0].bays: must be in [1, 50], got 60"),
    ("not a whole number",
     "equipment:\n  - {type: rack, name: r, bays: 2.5}\n",
     "2:33: equipment[0].bays: must be a whole number, got 2.5"),
    ("bad enum",
     "equipment:\n  - {type: carton, name: c, texture: shiny}\n",
     "2:38: equipment[0].texture: unknown value 'shiny'; allowed: plain, printed, taped"),
    ("unknown equipment type",
     "equipment:\n  - {type: convayor, name: a}\n",
     "2:12: equipment[0].type: unknown equipment type 'convayor' (did you mean 'conveyor'?); the "
     "types are: carton, tote, pallet, obstacle, rack, conveyor, roller_conveyor, spawner, sink, "
     "amr, forklift, arm, suction_gripper, parallel_gripper"),
    ("wrong vector length",
     "equipment:\n  - {type: carton, name: c, size: [0.4, 0.3]}\n",
     "2:35: equipment[0].size: expected a list of 3 numbers, got 2"),
    ("vector element out of range",
     "equipment:\n  - {type: carton, name: c, size: [0.4, 0, 0.3]}\n",
     "2:35: equipment[0].size: every side must be > 0 metres"),
    ("missing required key",
     "equipment:\n  - {type: carton}\n",
     "2:5: equipment[0]: missing key 'name'"),
    ("missing required key in a section",
     "site:\n  walls:\n    - {to: [1, 0]}\n",
     "3:7: site.walls[0]: missing key 'from'"),
    ("wrong bool",
     "equipment:\n  - {type: conveyor, name: a, end_stop: maybe}\n",
     "2:41: equipment[0].end_stop: expected true or false, got 'maybe'"),
    ("two keys that exclude each other",
     "equipment:\n  - {type: spawner, name: s, rate: 1, interval: 2}\n",
     "2:36: equipment[0].rate: give interval or rate, not both"),
    ("a key that needs another",
     "equipment:\n  - {type: amr, name: a, lift_stroke: 0.1}\n",
     "2:39: equipment[0].lift_stroke: lift_stroke is a setting of the payload lift and this AMR "
     "has none; add lift: true"),
    ("per-joint list of the wrong length",
     "equipment:\n  - {type: arm, name: r, kp: [1, 2]}\n",
     "2:30: equipment[0].kp: expected one number for all joints or a list of 6 (joint1..joint6), "
     "got 2 numbers"),
    ("sensor value out of range",
     "sensors:\n  cameras:\n    - {name: c, rate: 0}\n",
     "3:23: sensors.cameras[0].rate: must be in (0, 1000], got 0"),
    ("randomize key of a sub-section",
     "randomize:\n  physics: {mass: [0.8, 1.2], gravity: [1, 2]}\n",
     "2:31: randomize.physics: unknown key 'gravity'; allowed here: friction, mass"),
    ("keys of another shape",
     "equipment:\n  - {type: obstacle, name: o, size: [1, 1, 1], radius: 0.2}\n",
     "2:56: equipment[0].radius: radius is a setting of a cylinder; this obstacle is a box"),
    ("camera placed twice",
     "sensors:\n  cameras:\n    - {name: c, look_at: [1, 0, 0], pose: {yaw: 90}}\n",
     "3:43: sensors.cameras[0].pose: give pose or look_at, not both"),
    ("camera up without look_at",
     "sensors:\n  cameras:\n    - {name: c, up: [0, 1, 0]}\n",
     "3:21: sensors.cameras[0].up: up needs look_at: it is the image's up direction when the "
     "camera aims at look_at (a pose sets its own)"),
    ("camera position without look_at",
     "sensors:\n  cameras:\n    - {name: c, position: [1, 2, 3]}\n",
     "3:27: sensors.cameras[0].position: position needs look_at: it is where the camera is when "
     "it aims at look_at (without look_at, place the camera with pose: {position: [x, y, z], "
     "...})"),
    ("pose with two orientations",
     "equipment:\n  - {type: carton, name: c, pose: {yaw: 90, rpy: [0, 0, 90]}}\n",
     "2:35: equipment[0].pose: give one of yaw, rpy or quaternion, not several"),
]


def layouts(source: pathlib.Path):
    files = sorted((source / "scenes/twins").glob("*.yaml"))
    files += sorted((source / "tests/data").rglob("*.yaml"))
    return files


def readme_example(source: pathlib.Path) -> str:
    text = (source / "scenes/README.md").read_text()
    start = text.index("```yaml\n", text.index("## A complete example")) + len("```yaml\n")
    return text[start:text.index("```", start)]


def main() -> int:
    twin, source = sys.argv[1], pathlib.Path(sys.argv[2])
    printed = subprocess.run([twin, "layout", "schema"], capture_output=True, text=True,
                             check=True)
    schema = json.loads(printed.stdout)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failures = []

    valid = [(str(f), f.read_text()) for f in layouts(source)]
    valid.append(("scenes/README.md's complete example", readme_example(source)))
    for name, text in valid:
        for error in validator.iter_errors(yaml.safe_load(text)):
            failures.append(f"{name}: a valid layout fails the schema at "
                            f"{'/'.join(map(str, error.absolute_path))}: {error.message}")
    print(f"{len(valid)} valid layouts checked")

    with tempfile.TemporaryDirectory() as tmp:
        for what, text, message in INVALID:
            if validator.is_valid(yaml.safe_load(text)):
                failures.append(f"{what}: the JSON Schema accepts {text!r}")
            path = pathlib.Path(tmp) / "bad.yaml"
            path.write_text(text)
            run = subprocess.run([twin, "check", str(path)], capture_output=True, text=True)
            if run.returncode != 1 or f"{path}:{message}" not in run.stderr:
                failures.append(f"{what}: twin check exited {run.returncode} with {run.stderr!r}; "
                                f"expected {path}:{message}")
    print(f"{len(INVALID)} invalid layouts checked")
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
