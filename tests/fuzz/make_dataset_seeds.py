#!/usr/bin/python3
"""Writes the seeds of fuzz_manifest and fuzz_resume (tests/fuzz/{manifest,resume}/seeds) from a
real dataset, cut down to a few kilobytes: PNGs and point clouds are dropped (or replaced by a
few bytes), label files kept.

    twin datagen tests/data/layouts/datagen_cell.yaml --frames 2 --shard 0/2 --out S/s0
    twin datagen tests/data/layouts/datagen_cell.yaml --frames 2 --shard 1/2 --out S/s1
    tests/fuzz/make_dataset_seeds.py S/s0 S/s1

The seeds are committed (the fuzzer starts from them, CI replays them); rerun this when the
dataset format changes. The bundle format and the "auto" hashes are described in
manifest_fuzz.cpp and resume_fuzz.cpp.
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = ("coco.json", "scene_gt.json", "scene_camera.json", "randomization.json",
          "camera.json", "classes.json")


def compact(j):
    return json.dumps(j, separators=(",", ":"), sort_keys=True)


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def shard_files(shard, prefix, auto):
    """Manifest (label files only, hashes 'auto' or real) and the files, as bundle sections."""
    manifest = json.load(open(os.path.join(shard, "manifest.json")))
    files, sections = [], []
    for f in manifest["files"]:
        if not f["path"].endswith(LABELS):
            continue
        text = compact(json.load(open(os.path.join(shard, f["path"]))))
        files.append({"path": f["path"], "bytes": len(text), "sha256": "auto" if auto else sha(text)})
        sections.append((prefix + f["path"], text))
    manifest["files"] = files
    return manifest, sections


def bundle(first, sections):
    out = first
    for name, text in sections:
        out += "\n#@file " + name + "\n" + text
    return out


def write(target, name, text):
    path = os.path.join(HERE, target, "seeds", name)
    with open(path, "w") as f:
        f.write(text)
    print(path, len(text), "bytes")


def manifest_seeds(s0, s1):
    a, a_files = shard_files(s0, "a/", auto=True)
    b, b_files = shard_files(s1, "b/", auto=True)
    write("manifest", "merge_two_shards.bundle",
          bundle(compact(a), a_files + [("b/manifest.json", compact(b))] + b_files))
    real, real_files = shard_files(s0, "a/", auto=False)
    write("manifest", "one_shard_real_hashes.bundle", bundle(compact(real), real_files))
    a["frame_ranges"] = [[0, 1], [1, 2]]
    write("manifest", "overlapping_shards.bundle",
          bundle(compact(a), a_files + [("b/manifest.json", compact(a))] + 
                 [("b" + name[1:], text) for name, text in a_files]))


# The identity resume_fuzz.cpp's FuzzIdentity() makes; run.json must equal it to resume.
IDENTITY = {
    "config": {"scene": "cell.yaml", "scene_sha256": "a" * 64, "sources": {"cell.yaml": "a" * 64},
               "device": {"name": "llvmpipe", "driver": "Mesa"},
               "modalities": ["rgb", "depth", "instance", "semantic", "normal"],
               "depth_scale": 0.001, "cameras": {"cam": {"width": 8, "height": 6}}},
    "seed": 7, "version": "fuzz", "frames": 3}


def record(shard, k, files):
    cam = os.path.join(shard, "cell_cam")
    coco = json.load(open(os.path.join(cam, "coco.json")))
    key = str(k % 1)  # the shard holds frame 0; every seed frame reuses its labels
    image = dict(coco["images"][0], id=k, file_name="rgb/%06d.png" % k)
    return {"frame": k, "files": files,
            "cameras": {"cam": {"image": image,
                                "annotations": [dict(a, image_id=k, id=10 * k + i)
                                                for i, a in enumerate(coco["annotations"][:2])],
                                "scene_gt": json.load(open(os.path.join(cam, "scene_gt.json")))[key][:2],
                                "scene_camera": json.load(open(os.path.join(cam, "scene_camera.json")))[key]}},
            "randomization": json.load(open(os.path.join(shard, "randomization.json")))[key]}


def resume_seeds(s0):
    run = dict(IDENTITY, range=[0, 3])
    sections, = [[]]
    for k in range(3):
        png = "png%d" % k
        path = "cam/rgb/%06d.png" % k
        sections.append((path, png))
        sections.append((".twin/frames/%06d.json" % k,
                         compact(record(s0, k, [{"path": path, "bytes": len(png), "sha256": sha(png)}]))))
    write("resume", "three_frames_done.bundle", bundle(compact(run), sections))
    damaged = [s for s in sections if not s[0].endswith("000002.json")]
    damaged[0] = (damaged[0][0], "a changed png")
    damaged.append(("cam/rgb/000001.png.tmp.4242", "stray"))
    write("resume", "damaged_and_stray.bundle", bundle(compact(run), damaged))
    other = dict(run, seed=8, config=dict(run["config"], scene="other.yaml"))
    write("resume", "other_dataset.bundle", bundle(compact(other), sections[:2]))
    manifest = {"format": "twin-dataset/1", "scene": "cell.yaml", "scene_sha256": "a" * 64,
                "config": IDENTITY["config"], "seed": 7, "version": "fuzz", "frames": 3,
                "frame_ranges": [[0, 3]], "files": []}
    write("resume", "finished.bundle",
          bundle(compact(run), [("manifest.json", compact(manifest))] + sections[:2]))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    manifest_seeds(sys.argv[1], sys.argv[2])
    resume_seeds(sys.argv[1])
