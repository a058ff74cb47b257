"""Writes a few images in each format train.py reads (IDX raw and gzip, 4-dimensional IDX, CIFAR-10 binary batches and
their folder, a folder of PNGs) and checks load_images gives them back: python3 data_formats.py EXPORT_DIR WORK_DIR.
The export must be of a 3x8x8 model (3x32x32 for the CIFAR-10 files) for the colour formats and of a 1x8x8 one for the
others: it prints what it checked."""
import gzip
import os
import struct
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, sys.argv[1])
import train  # noqa: E402

work = sys.argv[2]
channels, height, width = train.spec.IMAGE
g = torch.Generator().manual_seed(1)
images = torch.randint(0, 256, (5, channels, height, width), generator=g, dtype=torch.uint8)
checked = []


def check(name, path, expected=None):
    expected = images if expected is None else expected
    loaded = train.load_images(path)
    assert loaded.dtype == torch.uint8 and torch.equal(loaded, expected), f"{name}: {list(loaded.shape)} not the images written"
    checked.append(name)


if (channels, height, width) == (3, 32, 32):
    cifar = os.path.join(work, "cifar-10-batches-bin")
    os.makedirs(cifar)
    for batch, part in ((1, images[:3]), (2, images[3:])):
        labels = torch.arange(part.shape[0], dtype=torch.uint8).view(-1, 1)
        records = torch.cat([labels, part.reshape(part.shape[0], -1)], dim=1)
        open(os.path.join(cifar, f"data_batch_{batch}.bin"), "wb").write(records.numpy().tobytes())
    check("cifar batch file", os.path.join(cifar, "data_batch_1.bin"), images[:3])
    check("cifar folder", cifar)


if channels == 1:
    raw = struct.pack(">BBBB", 0, 0, 8, 3) + struct.pack(">III", 5, height, width) + images.numpy().tobytes()
    open(os.path.join(work, "images.idx"), "wb").write(raw)
    check("idx", os.path.join(work, "images.idx"))
    with gzip.open(os.path.join(work, "images.idx.gz"), "wb") as f:
        f.write(raw)
    check("idx.gz", os.path.join(work, "images.idx.gz"))
else:
    raw = struct.pack(">BBBB", 0, 0, 8, 4) + struct.pack(">IIII", 5, channels, height, width) + images.numpy().tobytes()
    open(os.path.join(work, "images4.idx"), "wb").write(raw)
    check("idx 4d", os.path.join(work, "images4.idx"))
folder = os.path.join(work, "pngs")
os.makedirs(os.path.join(folder, "sub"))
for i in range(5):
    array = images[i].permute(1, 2, 0).numpy()
    Image.fromarray(array[:, :, 0] if channels == 1 else array).save(os.path.join(folder, "sub" if i % 2 else "", f"{i}.png"))
os.replace(os.path.join(folder, "sub"), os.path.join(folder, "zsub"))
# As the C# loader: the images directly in the folder, hidden ones included, in ordinal order (.1, 0, 2, 4), not those
# of its subfolder.
os.replace(os.path.join(folder, "zsub", "1.png"), os.path.join(folder, ".1.png"))
check("png folder", folder, images[[1, 0, 2, 4]])

# A dataset's own files win over a stray image beside them (a preview, a README's picture), as in DatasetLoader.cs.
stray = Image.fromarray(np.zeros((4, 4), dtype=np.uint8))
if (channels, height, width) == (3, 32, 32):
    stray.save(os.path.join(cifar, "preview.png"))
    check("cifar folder with a stray png", cifar)
if channels == 1:
    mixed = os.path.join(work, "mixed")
    os.makedirs(mixed)
    open(os.path.join(mixed, "train-images-idx3-ubyte"), "wb").write(raw)
    stray.save(os.path.join(mixed, "a-preview.png"))
    check("idx folder with a stray png", mixed)
print("checked:", ", ".join(checked))
