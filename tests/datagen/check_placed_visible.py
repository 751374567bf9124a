"""What randomization.json says was placed is in the frame: its images and its labels.

Usage: check_placed_visible.py DATASET
For every frame of randomization.json and every entity in its "placed" list: the entity's
instance id (instances.json) covers pixels of at least one camera's instance PNG (read with
OpenCV), and in each camera where it does, coco.json has exactly one annotation of it for that
frame with that pixel count as its area and scene_gt.json lists its pose.
Prints one line per problem and exits 1 if there is any, or if nothing was placed at all (then
nothing was checked); prints a summary otherwise.
"""
import json
import os
import sys

import cv2


def load(path):
    with open(path) as f:
        return json.load(f)


def main(root):
    instances = {entry["name"]: entry["id"] for entry in load(os.path.join(root, "instances.json"))}
    randomization = load(os.path.join(root, "randomization.json"))
    cameras = sorted(d for d in os.listdir(root)
                     if os.path.isfile(os.path.join(root, d, "camera.json")))
    coco = {c: load(os.path.join(root, c, "coco.json")) for c in cameras}
    scene_gt = {c: load(os.path.join(root, c, "scene_gt.json")) for c in cameras}
    problems = []
    checked = 0
    frames = sorted(randomization, key=int)
    for key in frames:
        frame = int(key)
        for name in randomization[key]["placed"]:
            obj = instances.get(name)
            if obj is None:
                problems.append(f"frame {frame}: placed '{name}' is not in instances.json")
                continue
            seen_in = []
            for camera in cameras:
                path = os.path.join(root, camera, "instance", "%06d.png" % frame)
                image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
                if image is None:
                    problems.append(f"{path}: OpenCV cannot read it")
                    continue
                pixels = int((image == obj).sum())
                if pixels == 0:
                    continue
                seen_in.append(camera)
                annotations = [a for a in coco[camera]["annotations"]
                               if a["image_id"] == frame and a["instance_id"] == obj]
                if len(annotations) != 1 or annotations[0]["area"] != pixels:
                    problems.append(f"frame {frame} {camera}: {name} covers {pixels} px but "
                                    f"coco.json has {[a['area'] for a in annotations]}")
                if not any(p["obj_id"] == obj for p in scene_gt[camera].get(key, [])):
                    problems.append(f"frame {frame} {camera}: {name} is seen but not in "
                                    f"scene_gt.json")
            if not seen_in:
                problems.append(f"frame {frame}: '{name}' (instance {obj}) is listed as placed but "
                                f"no camera's instance image shows it")
            checked += 1
    if checked == 0:
        problems.append("randomization.json lists nothing as placed: nothing was checked")
    for line in problems:
        print(line)
    if problems:
        return 1
    print(f"ok: {checked} placed objects in {len(frames)} frames, each seen by a camera and "
          f"labelled")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
