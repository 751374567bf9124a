"""Independent checks of a twin dataset folder (shared/DESIGN.md "Dataset layout").

Usage: check_dataset.py DATASET
Reads every image with OpenCV, decodes every COCO RLE with a decoder written here from the COCO
format definition (pycocotools is not used), and checks the labels against the images:
  - every image has the size of its camera.json, the right dtype and channel count;
  - each annotation's mask equals exactly the pixels of its instance in the instance PNG, and
    its bbox and area agree with the mask; every instance in the PNG has an annotation;
  - each scene_gt pose, applied to the corners of the object's models_info box and projected
    with cam_K, lands inside the mask's bbox grown by a margin (objects can be partly hidden, so
    only corners in front of the camera and the box's projected centre are checked);
  - depth PNG values are millimetres (depth_scale 0.001 in camera.json) and zero exactly where
    the instance image is background.
Prints one line per problem and exits 1 if there is any; prints a summary otherwise.
"""
import json
import os
import sys

import cv2
import numpy as np


def decode_rle_string(counts, h, w):
    """COCO compressed RLE: runs of 5-bit groups, 0x20 = more groups follow, sign bit 0x10 of
    the last group; run i (i > 2) is stored as the difference to run i - 2; runs alternate
    0s and 1s starting with 0s, over the mask in column-major (Fortran) order."""
    runs = []
    p = 0
    while p < len(counts):
        x = 0
        k = 0
        more = True
        while more:
            c = ord(counts[p]) - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(runs) > 2:
            x += runs[-2]
        runs.append(x)
    flat = np.zeros(h * w, dtype=np.uint8)
    pos = 0
    value = 0
    for r in runs:
        if r < 0 or pos + r > h * w:
            raise ValueError("run outside the image")
        flat[pos:pos + r] = value
        pos += r
        value ^= 1
    if pos != h * w:
        raise ValueError("runs cover %d of %d pixels" % (pos, h * w))
    return flat.reshape((w, h)).T


def main(root):
    problems = []
    checked = {"images": 0, "annotations": 0, "poses": 0}
    if not os.path.exists(os.path.join(root, "manifest.json")):
        print("nothing to check: %s has no manifest.json; is this a dataset folder?" % root)
        return 1
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    models = json.load(open(os.path.join(root, "models_info.json")))
    cameras = sorted(manifest["config"]["cameras"].keys())
    frames = [k for r in manifest["frame_ranges"] for k in range(r[0], r[1])]
    for cam in cameras:
        cdir = os.path.join(root, cam)
        info = json.load(open(os.path.join(cdir, "camera.json")))
        w, h = info["width"], info["height"]
        coco = json.load(open(os.path.join(cdir, "coco.json")))
        gt = json.load(open(os.path.join(cdir, "scene_gt.json")))
        scam = json.load(open(os.path.join(cdir, "scene_camera.json")))
        by_image = {}
        for a in coco["annotations"]:
            by_image.setdefault(a["image_id"], []).append(a)
        if sorted(i["id"] for i in coco["images"]) != frames:
            problems.append("%s: coco images %s != frames %s" % (cam, [i["id"] for i in coco["images"]], frames))
        for k in frames:
            name = "%06d.png" % k
            expect = {"rgb": (np.uint8, 3), "depth": (np.uint16, 1), "instance": (np.uint16, 1),
                      "semantic": (np.uint16, 1), "normal": (np.uint8, 3)}
            imgs = {}
            for mod, (dtype, channels) in expect.items():
                img = cv2.imread(os.path.join(cdir, mod, name), cv2.IMREAD_UNCHANGED)
                if img is None:
                    problems.append("%s/%s/%s: OpenCV cannot read it" % (cam, mod, name))
                    continue
                ch = 1 if img.ndim == 2 else img.shape[2]
                if img.shape[:2] != (h, w) or img.dtype != dtype or ch != channels:
                    problems.append("%s/%s/%s: %s %s, expected %dx%d %s x%d" % (
                        cam, mod, name, img.shape, img.dtype, w, h, dtype.__name__, channels))
                imgs[mod] = img
                checked["images"] += 1
            if "instance" not in imgs:
                continue
            inst, sem, depth = imgs["instance"], imgs.get("semantic"), imgs.get("depth")
            if depth is not None and np.any((depth > 0) & (inst == 0)):
                problems.append("%s %s: depth where the instance image is background" % (cam, name))
            present = set(np.unique(inst).tolist()) - {0}
            anns = by_image.get(k, [])
            if {a["instance_id"] for a in anns} != present:
                problems.append("%s %s: annotated instances %s != instances in PNG %s" % (
                    cam, name, sorted(a["instance_id"] for a in anns), sorted(present)))
            boxes = {}
            for a in anns:
                checked["annotations"] += 1
                seg = a["segmentation"]
                if seg["size"] != [h, w] or a["iscrowd"] != 0:
                    problems.append("%s %s ann %d: size %s iscrowd %s" % (cam, name, a["id"], seg["size"], a["iscrowd"]))
                    continue
                mask = decode_rle_string(seg["counts"], h, w)
                truth = (inst == a["instance_id"]).astype(np.uint8)
                if not np.array_equal(mask, truth):
                    problems.append("%s %s ann %d: RLE differs from instance %d in %d pixels" % (
                        cam, name, a["id"], a["instance_id"], int(np.sum(mask != truth))))
                ys, xs = np.nonzero(truth)
                bbox = [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]
                if [int(round(v)) for v in a["bbox"]] != bbox or a["area"] != int(truth.sum()):
                    problems.append("%s %s ann %d: bbox %s area %s, mask gives %s %d" % (
                        cam, name, a["id"], a["bbox"], a["area"], bbox, int(truth.sum())))
                if sem is not None and not np.all(sem[truth > 0] == a["category_id"]):
                    problems.append("%s %s ann %d: category %d differs from the semantic PNG" % (
                        cam, name, a["id"], a["category_id"]))
                boxes[a["instance_id"]] = bbox
            K = np.array(scam[str(k)]["cam_K"], dtype=float).reshape(3, 3)
            for pose in gt[str(k)]:
                oid = pose["obj_id"]
                if oid not in boxes:
                    problems.append("%s %s: pose of %d which has no pixels" % (cam, name, oid))
                    continue
                m = models.get(str(oid))
                if m is None:
                    problems.append("models_info.json has no object %d" % oid)
                    continue
                R = np.array(pose["cam_R_m2c"], dtype=float).reshape(3, 3)
                t = np.array(pose["cam_t_m2c"], dtype=float)
                if abs(np.linalg.det(R) - 1) > 1e-6 or np.abs(R @ R.T - np.eye(3)).max() > 1e-6:
                    problems.append("%s %s obj %d: cam_R_m2c is not a rotation" % (cam, name, oid))
                lo = np.array([m["min_x"], m["min_y"], m["min_z"]])
                size = np.array([m["size_x"], m["size_y"], m["size_z"]])
                corners = np.array([[lo[0] + i * size[0], lo[1] + j * size[1], lo[2] + l * size[2]]
                                    for i in (0, 1) for j in (0, 1) for l in (0, 1)])
                cam_pts = (R @ corners.T).T + t
                x, y, bw, bh = boxes[oid]
                # The mask is the visible part; the projected box must at least overlap it, and
                # the mask must lie within the projected box (grown by 2 px for rasterization).
                front = cam_pts[cam_pts[:, 2] > 1.0]
                if len(front) < 8:
                    continue  # crosses the image plane: nothing to check cleanly
                uv = (K @ front.T).T
                uv = uv[:, :2] / uv[:, 2:3]
                u0, v0 = uv.min(axis=0)
                u1, v1 = uv.max(axis=0)
                margin = 2.0 + 0.02 * max(w, h)  # lens distortion is not in cam_K
                if not (x >= u0 - margin and y >= v0 - margin and x + bw - 1 <= u1 + margin
                        and y + bh - 1 <= v1 + margin):
                    problems.append("%s %s obj %d: mask bbox %s outside the projected model box "
                                    "[%.1f %.1f %.1f %.1f]" % (cam, name, oid, boxes[oid], u0, v0, u1, v1))
                checked["poses"] += 1
    for p in problems[:50]:
        print(p)
    if problems:
        print("%d problems" % len(problems))
        return 1
    if checked["images"] == 0 or checked["annotations"] == 0 or checked["poses"] == 0:
        print("nothing to check: %(images)d images, %(annotations)d annotations, %(poses)d poses "
              "found; is this a dataset folder?" % checked)
        return 1
    print("ok: %(images)d images, %(annotations)d annotations, %(poses)d poses checked" % checked)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
