#!/usr/bin/env python3
# check-flatpak.py — a strict check of the Flatpak manifest, without network.
#
#   check-flatpak.py MANIFEST SOURCE_ROOT
#
# flatpak-builder itself cannot run here (no runtime can be fetched), so
# this checks what it would read, at the level of its schema: every key is
# known and of the right type (an unknown or misspelt key is an error, not
# a warning), the app id is the desktop file's, the metainfo's and the
# icons', the runtime is the GNOME version whose GTK, libadwaita and GLib
# are the ones meson.build pins, the sandbox asks for no more than the
# client needs, and nothing is fetched at build time except declared
# sources pinned by checksum or commit. Any finding fails the test.
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

errors = []


def err(where, message):
    errors.append(f"{where}: {message}")


STR, BOOL, INT, LIST_STR, DICT, LIST = "string", "boolean", "integer", "list of strings", "object", "list"


def type_ok(value, kind):
    if kind == STR:
        return isinstance(value, str)
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == LIST_STR:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == DICT:
        return isinstance(value, dict)
    if kind == LIST:
        return isinstance(value, list)
    raise AssertionError(kind)


# flatpak-manifest(5): the keys this project may use, with their types.
TOP = {
    "id": STR, "app-id": STR, "branch": STR, "runtime": STR, "runtime-version": STR, "sdk": STR,
    "command": STR, "finish-args": LIST_STR, "modules": LIST, "cleanup": LIST_STR,
    "cleanup-commands": LIST_STR, "build-options": DICT, "sdk-extensions": LIST_STR,
    "add-extensions": DICT, "rename-desktop-file": STR, "rename-icon": STR, "tags": LIST_STR,
}
MODULE = {
    "name": STR, "buildsystem": STR, "builddir": BOOL, "subdir": STR, "config-opts": LIST_STR,
    "make-args": LIST_STR, "make-install-args": LIST_STR, "build-commands": LIST_STR,
    "post-install": LIST_STR, "cleanup": LIST_STR, "sources": LIST, "modules": LIST,
    "build-options": DICT, "disabled": BOOL, "no-autogen": BOOL,
}
BUILDSYSTEMS = {"autotools", "cmake", "cmake-ninja", "meson", "simple", "qmake"}
SOURCE = {
    "archive": ({"type": STR, "url": STR, "sha256": STR, "strip-components": INT, "dest": STR,
                 "dest-filename": STR, "mirror-urls": LIST_STR, "archive-type": STR}, {"url", "sha256"}),
    "git": ({"type": STR, "url": STR, "tag": STR, "commit": STR, "branch": STR, "dest": STR,
             "disable-submodules": BOOL}, {"url", "commit"}),
    "file": ({"type": STR, "url": STR, "path": STR, "sha256": STR, "dest": STR, "dest-filename": STR}, set()),
    "dir": ({"type": STR, "path": STR, "dest": STR, "skip": LIST_STR}, {"path"}),
    "patch": ({"type": STR, "path": STR, "paths": LIST_STR, "strip-components": INT, "dest": STR}, set()),
}
EXTENSION = {"directory": STR, "version": STR, "versions": STR, "add-ld-path": STR,
             "no-autodownload": BOOL, "autodelete": BOOL, "subdirectories": BOOL, "bundle": BOOL}
BUILD_OPTIONS = {"cflags": STR, "cxxflags": STR, "ldflags": STR, "env": DICT, "append-path": STR,
                 "prepend-pkg-config-path": STR, "build-args": LIST_STR}

# What the client needs, and nothing else: the dispatch server over the
# network, a display (Wayland, X11 only as a fallback; ipc for X11's shared
# memory), GL, and sound for the bell. Notifications and the keyring go
# through portals, which need no permission.
ALLOWED_FINISH = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
                  "--device=dri", "--socket=pulseaudio"}
REQUIRED_FINISH = ALLOWED_FINISH

# The GNOME runtime that carries the stack meson.build pins.
GNOME_STACK = {"43": {"gtk4": "4.8", "libadwaita-1": "1.2", "glib-2.0": "2.74"},
               "44": {"gtk4": "4.10", "libadwaita-1": "1.3", "glib-2.0": "2.76"}}
GNOME_FREEDESKTOP = {"43": "22.08", "44": "22.08"}


def check_keys(where, obj, allowed):
    if not isinstance(obj, dict):
        err(where, "must be an object")
        return
    for key, value in obj.items():
        if key not in allowed:
            err(where, f"unknown key '{key}'")
        elif not type_ok(value, allowed[key]):
            err(where, f"'{key}' must be a {allowed[key]}")


def check_module(where, module, root):
    check_keys(where, module, MODULE)
    if not isinstance(module, dict):
        return
    if "name" not in module:
        err(where, "a module needs a name")
    if module.get("buildsystem", "autotools") not in BUILDSYSTEMS:
        err(where, f"unknown buildsystem '{module.get('buildsystem')}'")
    for arg in module.get("build-options", {}).get("build-args", []):
        if "--share=network" in arg:
            err(where, "network access at build time")
    if "build-options" in module:
        check_keys(where + ".build-options", module["build-options"], BUILD_OPTIONS)
    if not module.get("sources"):
        err(where, "a module needs sources")
    for i, source in enumerate(module.get("sources", [])):
        sw = f"{where}.sources[{i}]"
        if not isinstance(source, dict) or source.get("type") not in SOURCE:
            err(sw, "unknown source type")
            continue
        keys, required = SOURCE[source["type"]]
        check_keys(sw, source, keys)
        for key in required:
            if key not in source:
                err(sw, f"'{key}' is required")
        if "sha256" in source and not re.fullmatch(r"[0-9a-f]{64}", source["sha256"]):
            err(sw, "sha256 must be 64 lowercase hex digits")
        if source["type"] == "file" and "url" in source and "sha256" not in source:
            err(sw, "a downloaded file needs its sha256")
        if source["type"] == "git" and not re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")):
            err(sw, "a git source is pinned by a full commit id")
        if "url" in source and not re.match(r"https?://", source["url"]):
            err(sw, "url must be http(s)")
        if source["type"] in ("dir", "patch", "file") and "path" in source:
            if not os.path.exists(os.path.join(root, "flatpak", source["path"])):
                err(sw, f"path '{source['path']}' does not exist")
    for i, sub in enumerate(module.get("modules", [])):
        check_module(f"{where}.modules[{i}]", sub, root)


def meson_minimum(meson, name):
    m = re.search(r"dependency\('" + re.escape(name) + r"',\s*version:\s*'>=\s*([0-9.]+)'", meson)
    return m.group(1) if m else None


def main():
    manifest_path, root = sys.argv[1], sys.argv[2]
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"not ok: {manifest_path}: {e}")
        return 1

    check_keys("manifest", manifest, TOP)
    app_id = manifest.get("id") or manifest.get("app-id")
    if "id" in manifest and "app-id" in manifest:
        err("manifest", "both 'id' and 'app-id'")
    if not app_id or not re.fullmatch(r"[A-Za-z][\w-]*(\.[A-Za-z][\w-]*){2,}", app_id):
        err("manifest", f"bad app id {app_id!r}")
    if os.path.basename(manifest_path) != f"{app_id}.json":
        err("manifest", "the file must be named after the app id")
    for key in ("runtime", "runtime-version", "sdk", "command", "modules"):
        if key not in manifest:
            err("manifest", f"'{key}' is required")

    # The app id everywhere.
    data = os.path.join(root, "data")
    if not os.path.exists(os.path.join(data, f"{app_id}.desktop.in")):
        err("desktop", f"data/{app_id}.desktop.in is missing")
    else:
        with open(os.path.join(data, f"{app_id}.desktop.in"), encoding="utf-8") as f:
            desktop = f.read()
        if f"Icon={app_id}\n" not in desktop:
            err("desktop", "Icon= is not the app id")
        if not re.search(r"^Exec=" + re.escape(manifest.get("command", "?")) + r"\b", desktop, re.M):
            err("desktop", "Exec= does not run the manifest's command")
    metainfo_path = os.path.join(data, f"{app_id}.metainfo.xml.in")
    if not os.path.exists(metainfo_path):
        err("metainfo", "missing")
    else:
        tree = ET.parse(metainfo_path).getroot()
        if tree.findtext("id") != app_id:
            err("metainfo", "<id> is not the app id")
        launchable = tree.find("launchable")
        if launchable is None or launchable.text != f"{app_id}.desktop":
            err("metainfo", "<launchable> is not the desktop file")
        if tree.find("releases/release") is None:
            err("metainfo", "no release notes")
        shots = tree.findall("screenshots/screenshot/image")
        if not shots:
            err("metainfo", "no screenshots")
        for image in shots:
            m = re.search(r"/(data/screenshots/[^/]+\.png)$", image.text or "")
            if not m or not os.path.exists(os.path.join(root, m.group(1))):
                err("metainfo", f"screenshot {image.text} is not a file in data/screenshots/")
    for icon in (f"data/icons/hicolor/scalable/apps/{app_id}.svg",
                 f"data/icons/hicolor/symbolic/apps/{app_id}-symbolic.svg"):
        if not os.path.exists(os.path.join(root, icon)):
            err("icons", f"{icon} is missing")

    # The runtime matches the pinned stack.
    version = manifest.get("runtime-version")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        err("runtime", "the GNOME runtime and SDK are expected")
    with open(os.path.join(root, "meson.build"), encoding="utf-8") as f:
        meson = f.read()
    stack = GNOME_STACK.get(version)
    if stack is None:
        err("runtime", f"unknown GNOME runtime version {version!r}")
    else:
        for dep, shipped in stack.items():
            wanted = meson_minimum(meson, dep)
            if wanted is None:
                err("runtime", f"meson.build does not pin {dep}")
            elif tuple(map(int, wanted.split("."))) != tuple(map(int, shipped.split(".")))[:len(wanted.split("."))]:
                err("runtime", f"GNOME {version} has {dep} {shipped}, meson.build wants {wanted}")
        for name, ext in manifest.get("add-extensions", {}).items():
            check_keys(f"add-extensions.{name}", ext, EXTENSION)
            if name.startswith("org.freedesktop.Platform.") and ext.get("version") != GNOME_FREEDESKTOP[version]:
                err(f"add-extensions.{name}", f"GNOME {version} is built on freedesktop {GNOME_FREEDESKTOP[version]}")
        if "org.freedesktop.Platform.ffmpeg-full" not in manifest.get("add-extensions", {}):
            err("add-extensions", "H.264 body-camera video needs the ffmpeg-full extension")
        elif "mkdir -p /app/lib/ffmpeg" not in manifest.get("cleanup-commands", []):
            err("add-extensions", "the extension's mount point /app/lib/ffmpeg is not created")

    # The sandbox.
    finish = manifest.get("finish-args", [])
    for arg in finish:
        if arg not in ALLOWED_FINISH:
            err("finish-args", f"'{arg}' is more than the client needs")
    for arg in REQUIRED_FINISH - set(finish):
        err("finish-args", f"'{arg}' is missing")
    if len(set(finish)) != len(finish):
        err("finish-args", "duplicates")

    if "build-options" in manifest:
        check_keys("build-options", manifest["build-options"], BUILD_OPTIONS)
        if any("--share=network" in a for a in manifest["build-options"].get("build-args", [])):
            err("build-options", "network access at build time")
    modules = manifest.get("modules", [])
    for i, module in enumerate(modules):
        check_module(f"modules[{i}]", module, root)
    if not modules or modules[-1].get("name") != "jingbao":
        err("modules", "the last module is the app itself")
    elif not any(o.startswith("-Dserver=false") for o in modules[-1].get("config-opts", [])):
        err("modules", "the Flatpak is the client: -Dserver=false")

    if errors:
        for e in errors:
            print(f"not ok: {e}")
        return 1
    print(f"ok: {manifest_path} ({app_id}, GNOME {version}, {len(modules)} modules, {len(finish)} permissions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
