#!/usr/bin/env python3
"""Builds the corpus of the binary_data / binwalk comparison (docs/accuracy.md): payloads made by real tools and
libraries where this machine has them (zip, gzip, zlib, bzip2, xz, tar, sqlite3, openssl, ImageMagick, ELF and PE files
from the system), files and headers laid out by their format's rules where it does not (PNG, JPEG, GIF, PDF, 7z,
uImage, TRX, SquashFS, wasm, Mach-O, Java class, Flash SWF), each alone, all together at known offsets in a firmware-like image, and near-misses
(one header field broken). Writes CORPUS/expected.tsv: file, offset, type of every payload placed.
usage: binwalk_corpus.py CORPUS"""
import bz2, gzip, io, lzma, os, random, shutil, sqlite3, struct, subprocess, sys, tarfile, tempfile, zipfile, zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
tmp = tempfile.mkdtemp()
text = b"lorem ipsum dolor sit amet, firmware block data and more words\n" * 40

def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def read(path):
    with open(path, "rb") as f:
        return f.read()

def zip_bytes():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("hello.txt", text)
    return b.getvalue()

def tar_bytes():
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
        info = tarfile.TarInfo("docs/readme.txt"); info.size = len(text); info.mtime = 1700000000
        t.addfile(info, io.BytesIO(text))
    return b.getvalue()

def sqlite_bytes():
    path = os.path.join(tmp, "db.sqlite")
    with sqlite3.connect(path) as db:
        db.execute("create table t (x text)"); db.execute("insert into t values ('hello')")
    return read(path)

def openssl_pem():
    key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=cucos")
    der = os.path.join(tmp, "cert.der")
    run("openssl", "x509", "-in", cert, "-outform", "DER", "-out", der)
    rsa = os.path.join(tmp, "rsa.pem")
    run("openssl", "genrsa", "-traditional", "-out", rsa, "1024")
    return read(cert), read(key), read(rsa), read(der)

def png(width=64, height=48):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = b"".join(b"\0" + b"".join(bytes((x * 4 % 256, y * 5 % 256, 128, 255)) for x in range(width)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))

def jpeg():
    # JFIF APP0, a quantization table, then end of image: the header a JPEG file starts with.
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    return b"\xff\xd8" + app0 + dqt + b"\xff\xd9"

def gif():
    return bytes.fromhex("47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b")

def pdf():
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    return body + b"trailer << /Root 1 0 R >>\n%%EOF\n"

def seven_zip():
    next_header = b"\x01\x04\x06\x00\x00\x00"
    tail = struct.pack("<QQI", 0, len(next_header), zlib.crc32(next_header))
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(tail)) + tail + next_header

def uimage(payload):
    header = struct.pack(">IIIIIIIBBBB32s", 0x27051956, 0, 1700000000, len(payload), 0x80008000, 0x80008000,
                         zlib.crc32(payload), 5, 2, 2, 1, b"Linux-6.1")
    return header[:4] + struct.pack(">I", zlib.crc32(header)) + header[8:] + payload

def trx():
    return (b"HDR0" + struct.pack("<IIHHIII", 4096, 0, 0, 1, 28, 1024, 2048)).ljust(4096, b"\0")

def squashfs():
    sb = struct.pack("<4sIIIIHHHHHHQQQQQQQQ", b"hsqs", 12, 1700000000, 131072, 0, 4, 17, 0, 1, 4, 0, 0, 8192, 0, 0, 0, 0, 0, 0)
    return sb.ljust(8192, b"\0")

def macho():
    return struct.pack("<IiiIIII", 0xFEEDFACF, 0x0100000C, 0, 2, 3, 96, 0).ljust(32 + 96, b"\0")

def java_class():
    return bytes.fromhex("cafebabe0000003d0014") + b"\0" * 40

def wasm():
    return bytes.fromhex("0061736d01000000010401600000030201000a040102000b")

def swf(signature, version, compress):
    """An SWF file (SWF File Format Specification 19): a 550 x 400 pixel stage (RECT of 15-bit fields in twips), 24 fps,
    1 frame, SetBackgroundColor, ShowFrame and End tags; the movie after the 8-byte header is compressed as the signature says."""
    bits = "{:05b}".format(15) + "".join("{:015b}".format(v) for v in (0, 550 * 20, 0, 400 * 20))
    bits += "0" * (-len(bits) % 8)
    rect = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
    movie = rect + b"\x00\x18\x01\x00" + b"\x43\x02\xff\xff\xff" + b"\x40\x00" + b"\x00\x00"
    return signature + bytes((version,)) + struct.pack("<I", 8 + len(movie)) + compress(movie)

def lzma_body(movie):
    alone = lzma.compress(movie, format=lzma.FORMAT_ALONE)  # 5 property bytes, 8-byte size, then the LZMA data
    return struct.pack("<I", len(alone) - 13) + alone[:5] + alone[13:]

def zlib_with_random_headers():
    # Random bytes with a zlib header pair every 509 bytes: none is a stream.
    rng = random.Random(9)
    data = bytearray(rng.getrandbits(8) for _ in range(64 * 1024))
    for i, at in enumerate(range(0, len(data) - 2, 509)):
        data[at:at + 2] = (b"\x78\x9c", b"\x78\xda", b"\x78\x01", b"\x78\x5e")[i % 4]
    return bytes(data)

def system_file(*candidates):
    for c in candidates:
        if os.path.isfile(c):
            return read(c)
    raise SystemExit(f"none of {candidates} exists")

gz = gzip.compress(text, mtime=1700000000)
pem_cert, pem_key, pem_rsa, der_cert = openssl_pem()
dotnet_dll = next(os.path.join(r, f) for r, _, fs in os.walk(os.path.dirname(os.path.realpath(shutil.which("dotnet"))) + "/shared") for f in sorted(fs) if f == "System.Runtime.dll")
payloads = {
    "zip": zip_bytes(), "gzip": gz, "bzip2": bz2.compress(text), "xz": lzma.compress(text), "7z": seven_zip(),
    "tar": tar_bytes(), "elf": system_file("/bin/true", "/usr/bin/true")[:8192], "pe": read(dotnet_dll),
    "mach-o": macho(), "java-class": java_class(), "wasm": wasm(), "png": png(), "jpeg": jpeg(),
    "gif": gif(), "pdf": pdf(), "der-certificate": der_cert, "pem-certificate": pem_cert,
    "pem-private-key": pem_key, "pem-rsa-private-key": pem_rsa, "sqlite": sqlite_bytes(), "uimage": uimage(gz),
    "trx": trx(), "squashfs": squashfs(), "zlib": zlib.compress(text, 6), "zlib-best": zlib.compress(text, 9),
    "zlib-fastest": zlib.compress(text, 1), "swf": swf(b"FWS", 10, lambda m: m),
    "swf-zlib": swf(b"CWS", 10, zlib.compress), "swf-lzma": swf(b"ZWS", 13, lzma_body),
}

expected = []
os.makedirs(os.path.join(out, "alone"), exist_ok=True)
for name, data in payloads.items():
    with open(os.path.join(out, "alone", name + ".bin"), "wb") as f:
        f.write(data)
    expected.append((f"alone/{name}.bin", 0, name))

random.seed(5)
image_bytes = bytearray(text * 200)
offset = 0x100
for name, data in payloads.items():
    if offset + len(data) > len(image_bytes):
        image_bytes.extend(text * (1 + (offset + len(data) - len(image_bytes)) // len(text)))
    image_bytes[offset:offset + len(data)] = data
    expected.append(("firmware.bin", offset, name))
    offset = (offset + len(data) + 0x200 + random.randrange(0, 0x100)) & ~0x3 | random.randrange(0, 4)
with open(os.path.join(out, "firmware.bin"), "wb") as f:
    f.write(image_bytes)

def broken(data, at, value):
    b = bytearray(data); b[at] = value; return bytes(b)

near_misses = {
    "zip-method": broken(payloads["zip"][:60], 8, 77), "gzip-flags": broken(gz, 3, gz[3] | 0xE0),
    "bzip2-block": broken(payloads["bzip2"], 5, 0), "xz-crc": broken(payloads["xz"], 8, payloads["xz"][8] ^ 1),
    "7z-crc": broken(payloads["7z"], 9, payloads["7z"][9] ^ 1), "tar-checksum": broken(payloads["tar"], 150, ord("9")),
    "elf-class": broken(payloads["elf"][:64], 4, 9), "mz-without-pe": b"MZ" + b"\x90" * 62 + text,
    "mach-o-cpu": broken(payloads["mach-o"], 4, 99), "cafebabe-version": broken(payloads["java-class"], 7, 3),
    "png-crc": broken(payloads["png"], 30, payloads["png"][30] ^ 1), "jpeg-no-jfif": b"\xff\xd8\xff\xe0\x00\x10JXIF\x00" + text,
    "gif-zero-width": b"GIF89a\x00\x00\x00\x00" + text, "pdf-no-version": b"%PDF-x.y\n" + text,
    "pem-no-base64": b"-----BEGIN CERTIFICATE-----\nnot base64 at all, see?\n", "der-no-version": broken(der_cert, 8, 0xA1),
    "sqlite-page-size": broken(payloads["sqlite"], 16, 0x03), "uimage-crc": broken(payloads["uimage"][:64], 5, payloads["uimage"][5] ^ 1),
    "trx-version": broken(payloads["trx"], 14, 7), "squashfs-block-log": broken(payloads["squashfs"], 22, 16),
    "zlib-adler": broken(payloads["zlib"], len(payloads["zlib"]) - 1, payloads["zlib"][-1] ^ 1),
    "zlib-truncated": payloads["zlib"][:len(payloads["zlib"]) // 2], "zlib-random-headers": zlib_with_random_headers(),
    "swf-version-0": broken(payloads["swf"], 3, 0), "swf-no-end-tag": broken(payloads["swf"], len(payloads["swf"]) - 1, 7),
    "swf-zlib-body": broken(payloads["swf-zlib"], 14, payloads["swf-zlib"][14] ^ 0x55),
    "swf-lzma-properties": broken(payloads["swf-lzma"], 12, 225),
}
os.makedirs(os.path.join(out, "near-miss"), exist_ok=True)
for name, data in near_misses.items():
    with open(os.path.join(out, "near-miss", name + ".bin"), "wb") as f:
        f.write(text[:0x101] + data + text)

with open(os.path.join(out, "expected.tsv"), "w") as f:
    for path, at, name in expected:
        f.write(f"{path}\t{at}\t{name}\n")
shutil.rmtree(tmp)
