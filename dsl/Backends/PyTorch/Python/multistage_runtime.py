# ---------------------------------------------------------------------------------------------------------------------
# The mechanics, the same in every exported model: the PyTorch twins of DiffusionDsl's runtime (runtime/Blocks,
# runtime/Networks, runtime/Schedules, runtime/Diffusion). Parameter names, shapes and initialisation are those of the
# TorchSharp modules, so one safetensors file loads on both sides. Works with PyTorch 1.13 through 2.x.
# ---------------------------------------------------------------------------------------------------------------------
import bisect
import contextlib
import json
import math
import os
import struct
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

SKIP_SCALE = math.sqrt(0.5)
INIT_DEFAULT = 1.0
INIT_ZERO = 1e-5  # the last conv of each residual branch, attention's proj and the output conv start near identity
INIT_ATTENTION = math.sqrt(0.2)  # attention's qkv


class Level(NamedTuple):
    resolution: int
    width: int
    blocks: int
    attention: bool = False


class Block(NamedTuple):
    """One residual block of the network plan: its SongUNet name, channels and what it does to resolution."""
    name: str
    in_channels: int
    out_channels: int
    attention: bool = False
    resample: str = "none"  # "none", "down" or "up"
    middle: bool = False


class Stage(NamedTuple):
    """A stage's diffusion-time interval [start, end) (0 = data, 1 = noise); the last one is closed."""
    name: str
    start: float
    end: float


class EncoderLayout(NamedTuple):
    in_channels: int
    stem_width: int
    stem_name: str
    blocks: List[Block]
    embedding: str  # "positional" or "fourier"
    embedding_channels: int
    augment_dim: int
    dropout: float
    groups: int  # > 0 fixes every norm's group count
    max_groups: int  # otherwise each width gets min(max_groups, width / 4)
    heads: int
    noise_channels: int  # the noise embedding's width, as the compiler sets it for the encoder's family
    resample_filter: str = "box"  # "box" (DDPM++) or "fir" (NCSN++'s [1, 3, 3, 1])
    input_pyramid: bool = False  # NCSN++'s residual input pyramid: a fused down-conv of the image after each downsampling block
    family: str = "songunet"  # "songunet" (ddpmpp, ncsnpp) or "adm" (latent diffusion's openaimodel.py)
    head_channels: int = 0  # > 0: as many attention heads as this many channels make (ADM's num_head_channels)


class DecoderLayout(NamedTuple):
    blocks: List[Block]
    output_width: int
    output_norm: str  # the output head's GroupNorm and 3x3 conv
    output_conv: str
    out_channels: int


def xavier_uniform_(layer: nn.Module, scale: float = INIT_DEFAULT) -> nn.Module:
    """EDM's weight_init: U(-b, b) with b = sqrt(6 / (fan_in + fan_out)), times scale; biases start at zero."""
    shape = layer.weight.shape
    receptive = 1
    for size in shape[2:]:
        receptive *= size
    bound = math.sqrt(6.0 / ((shape[0] + shape[1]) * receptive))
    with torch.no_grad():
        layer.weight.uniform_(-bound, bound).mul_(scale)
        if layer.bias is not None:
            layer.bias.zero_()
    return layer


class GroupNorm(nn.GroupNorm):
    """Normalises in float32 and returns the input's dtype: under bf16 autocast the statistics keep their precision
    (and PyTorch 1.13's CPU autocast would otherwise hand group_norm a bf16 input with float32 weights)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.group_norm(x.float(), self.num_groups, self.weight, self.bias, self.eps).to(x.dtype)


def group_norm(channels: int, groups: int, max_groups: int, eps: float = 1e-6) -> GroupNorm:
    count = groups if groups > 0 else max(1, min(max_groups, channels // 4))
    return GroupNorm(count, channels, eps=eps)


class NoiseEmbedding(nn.Module):
    """EDM's PositionalEmbedding (endpoint=True, max_positions 10000) or FourierEmbedding (scale 16): [sin, cos]; or
    "timestep", ADM's timestep_embedding: frequencies 10000^(-i / half) (no endpoint), [cos, sin]."""

    def __init__(self, kind: str, channels: int):
        super().__init__()
        self.kind = kind
        self.channels = channels
        if kind == "fourier":
            self.register_buffer("freqs", torch.randn(channels // 2) * 16.0)

    def forward(self, noise_labels: torch.Tensor) -> torch.Tensor:
        labels = noise_labels.to(torch.float32)
        if self.kind == "timestep":
            half = self.channels // 2
            freqs = torch.exp(-math.log(10000.0) * torch.arange(0, half, dtype=torch.float32, device=labels.device) / half)
            angles = labels.ger(freqs)
            return torch.cat([angles.cos(), angles.sin()], dim=1)
        if self.kind == "positional":
            half = self.channels // 2
            freqs = torch.arange(0, half, dtype=torch.float32, device=labels.device) / max(1, half - 1)
            freqs = (1.0 / 10000.0) ** freqs
        else:
            freqs = self.freqs.to(labels.device) * (2 * math.pi)
        angles = labels.ger(freqs)
        return torch.cat([angles.sin(), angles.cos()], dim=1)


_FIR_KERNELS: Dict[Tuple[torch.device, torch.dtype], torch.Tensor] = {}


def fir_kernel(x: torch.Tensor) -> torch.Tensor:
    """NCSN++'s [1, 3, 3, 1] filter: the 4x4 outer product over 64, one copy per channel of x. Made once per device and
    dtype: building it on every call would copy it from the host each time, which waits for a GPU's queued work."""
    key = (x.device, x.dtype)
    kernel = _FIR_KERNELS.get(key)
    if kernel is None:
        with torch.inference_mode(False):  # a kernel made inside inference_mode could not be used by autograd later
            taps = torch.tensor([1.0, 3.0, 3.0, 1.0])
            kernel = _FIR_KERNELS[key] = (taps.outer(taps) / 64).reshape(1, 1, 4, 4).to(device=x.device, dtype=x.dtype)
    return kernel.expand(x.shape[1], 1, 4, 4)


def fir_down(x: torch.Tensor, padding: int) -> torch.Tensor:
    return F.conv2d(x, fir_kernel(x), stride=2, padding=padding, groups=x.shape[1])


def resample(x: torch.Tensor, how: str, kind: str = "box") -> torch.Tensor:
    """EDM's resample filters: [1, 1] is 2x2 average pooling down and nearest-neighbour up; [1, 3, 3, 1] (fir) is
    applied to each channel with stride 2 and padding 1, or transposed, times 4, for up."""
    if how == "down":
        return F.avg_pool2d(x, 2) if kind == "box" else fir_down(x, padding=1)
    if how == "up":
        if kind == "box":
            return F.interpolate(x, scale_factor=2.0, mode="nearest")
        return F.conv_transpose2d(x, fir_kernel(x) * 4, stride=2, padding=1, groups=x.shape[1])
    return x


class FusedDownsamplingConv(nn.Module):
    """NCSN++'s aux_residual (EDM's Conv2d with down and fused_resample): a 3x3 conv padded by 2, then the FIR filter
    with stride 2 and no padding."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, 3, 3))
        self.bias = nn.Parameter(torch.empty(out_channels))
        xavier_uniform_(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return fir_down(F.conv2d(x, self.weight, self.bias, padding=2), padding=0)


class UNetBlock(nn.Module):
    """EDM's UNetBlock as DDPM++ configures it: GroupNorm-SiLU-conv, additive noise embedding, GroupNorm-SiLU-dropout-
    conv, a 1x1 skip when channels or resolution change, skip scale sqrt(1/2), optional self-attention."""

    def __init__(self, block: Block, embedding_channels: int, layout: EncoderLayout):
        super().__init__()
        self.in_channels = block.in_channels
        self.out_channels = block.out_channels
        self.resample = block.resample
        self.filter = layout.resample_filter
        self.dropout = layout.dropout
        self.heads = layout.heads
        cin, cout = block.in_channels, block.out_channels
        self.norm0 = group_norm(cin, layout.groups, layout.max_groups)
        self.conv0 = xavier_uniform_(nn.Conv2d(cin, cout, 3, padding=1))
        self.affine = xavier_uniform_(nn.Linear(embedding_channels, cout))
        self.norm1 = group_norm(cout, layout.groups, layout.max_groups)
        self.conv1 = xavier_uniform_(nn.Conv2d(cout, cout, 3, padding=1), INIT_ZERO)
        self.skip = xavier_uniform_(nn.Conv2d(cin, cout, 1)) if cin != cout or block.resample != "none" else None
        self.norm2 = self.qkv = self.proj = None
        if block.attention:
            self.norm2 = group_norm(cout, layout.groups, layout.max_groups)
            self.qkv = xavier_uniform_(nn.Conv2d(cout, cout * 3, 1), INIT_ATTENTION)
            self.proj = xavier_uniform_(nn.Conv2d(cout, cout, 1), INIT_ZERO)

    def forward(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        orig = x
        x = self.conv0(resample(F.silu(self.norm0(x)), self.resample, self.filter))
        x = x + self.affine(embedding).unsqueeze(2).unsqueeze(3)
        x = self.conv1(F.dropout(F.silu(self.norm1(x)), p=self.dropout, training=self.training))
        shortcut = orig if self.skip is None else self.skip(resample(orig, self.resample, self.filter))
        x = (x + shortcut) * SKIP_SCALE
        if self.qkv is not None:
            x = self.attend(x) * SKIP_SCALE
        return x

    def attend(self, x: torch.Tensor) -> torch.Tensor:
        """softmax(q^T k / sqrt(c)) over all positions, per head, then proj, added to x."""
        n, c = x.shape[0], x.shape[1]
        q, k, v = self.qkv(self.norm2(x)).reshape(n * self.heads, c // self.heads, 3, -1).unbind(2)
        # In float32 whatever the surrounding precision, as EDM's AttentionOp computes the weights (and the C# block).
        # (torch.autocast refuses device types it does not know, even to turn itself off: only cpu and cuda have it.)
        with torch.autocast(device_type=q.device.type, enabled=False) if q.device.type in ("cpu", "cuda") else contextlib.nullcontext():
            weights = torch.einsum("ncq,nck->nqk", q.float(), (k / math.sqrt(k.shape[1])).float()).softmax(dim=2).to(v.dtype)
        attended = torch.einsum("nqk,nck->ncq", weights, v)
        return self.proj(attended.reshape(x.shape)) + x


def embed_noise(features: nn.Module, augment: Optional[nn.Module], first: nn.Linear, second: nn.Linear, noise_labels: torch.Tensor,
                augment_labels: Optional[torch.Tensor]) -> torch.Tensor:
    """The embedding every block gets: the noise features (plus the augmentation labels' projection, which has no bias,
    so no labels equal zero labels), through two linear layers with SiLU (SongUNet's map_layer0/1, ADM's time_embed)."""
    embedding = features(noise_labels)
    if augment_labels is not None:
        if augment is None:
            raise ValueError("This encoder has no augmentation-label input (no `augment N` in the .msd) but was given labels.")
        embedding = embedding + augment(augment_labels.to(embedding.dtype))
    return F.silu(second(F.silu(first(embedding))))


def noise_inputs(layout: EncoderLayout) -> Tuple[NoiseEmbedding, Optional[nn.Linear]]:
    """The noise features and, with `augment N`, the augmentation labels' projection (no bias), as both encoders name them."""
    augment = xavier_uniform_(nn.Linear(layout.augment_dim, layout.noise_channels, bias=False)) if layout.augment_dim > 0 else None
    return NoiseEmbedding(layout.embedding, layout.noise_channels), augment


class SharedEncoder(nn.Module):
    """The encoder every stage shares: SongUNet's noise mapping and encoder levels."""

    def __init__(self, layout: EncoderLayout):
        super().__init__()
        self.layout = layout
        noise, emb = layout.noise_channels, layout.embedding_channels
        self.map_noise, self.map_augment = noise_inputs(layout)
        self.map_layer0 = xavier_uniform_(nn.Linear(noise, emb))
        self.map_layer1 = xavier_uniform_(nn.Linear(emb, emb))
        self.enc = nn.ModuleDict()
        self.enc[layout.stem_name] = xavier_uniform_(nn.Conv2d(layout.in_channels, layout.stem_width, 3, padding=1))
        # kinds[i]: what enc's layer i + 1 is: "block", "middle", or NCSN++'s "pyramid" conv after a downsampling block.
        self.kinds = []
        pyramid = layout.in_channels
        for block in layout.blocks:
            self.enc[block.name] = UNetBlock(block, emb, layout)
            self.kinds.append("middle" if block.middle else "block")
            if layout.input_pyramid and block.resample == "down":
                self.enc[block.name.replace("_down", "_aux_residual")] = FusedDownsamplingConv(pyramid, block.out_channels)
                self.kinds.append("pyramid")
                pyramid = block.out_channels

    def forward(self, x: torch.Tensor, noise_labels: torch.Tensor, augment_labels: Optional[torch.Tensor] = None):
        """Returns (features, skips, embedding). Null augmentation labels equal zero labels (map_augment has no bias)."""
        embedding = embed_noise(self.map_noise, self.map_augment, self.map_layer0, self.map_layer1, noise_labels, augment_labels)
        layers = list(self.enc.values())
        pyramid = x
        x = layers[0](x)
        skips = [x]  # every encoder layer's output is a skip, the stem's included
        for layer, kind in zip(layers[1:], self.kinds):
            if kind == "pyramid":  # NCSN++: the downsampled image joins the features; the sum replaces the last skip
                x = skips[-1] = pyramid = (x + layer(pyramid)) / math.sqrt(2)
                continue
            x = layer(x, embedding)
            if kind == "block":
                skips.append(x)
        return x, skips, embedding


class StageDecoder(nn.Module):
    """One stage's decoder at its own width: SongUNet's decoder; a block wider than x takes the next encoder skip."""

    def __init__(self, layout: DecoderLayout, encoder: EncoderLayout):
        super().__init__()
        emb = encoder.embedding_channels
        self.dec = nn.ModuleDict()
        for block in layout.blocks:
            self.dec[block.name] = UNetBlock(block, emb, encoder)
        self.dec[layout.output_norm] = group_norm(layout.output_width, encoder.groups, encoder.max_groups)
        self.dec[layout.output_conv] = xavier_uniform_(nn.Conv2d(layout.output_width, layout.out_channels, 3, padding=1), INIT_ZERO)

    def forward(self, x: torch.Tensor, skips: List[torch.Tensor], embedding: torch.Tensor) -> torch.Tensor:
        layers = list(self.dec.values())
        skip = len(skips)
        for block in layers[:-2]:
            if x.shape[1] != block.in_channels:
                skip -= 1
                x = torch.cat([x, skips[skip]], dim=1)
            x = block(x, embedding)
        norm, conv = layers[-2], layers[-1]
        return conv(F.silu(norm(x)))


# ---- ADM: latent diffusion's openaimodel.py UNetModel (`encoder adm`), under its layer names ----
# Its layers keep PyTorch's default initialisation, except the last conv of each residual branch, attention's proj_out
# and the output conv, which start at zero (ADM's zero_module). Its GroupNorm32 has eps 1e-5.

def zero_(layer: nn.Module) -> nn.Module:
    with torch.no_grad():
        layer.weight.zero_()
        layer.bias.zero_()
    return layer


def adm_norm(channels: int, layout: EncoderLayout) -> GroupNorm:
    return group_norm(channels, layout.groups, layout.max_groups, eps=1e-5)


class AdmResBlock(nn.Module):
    """ADM's ResBlock (use_scale_shift_norm False): in_layers GroupNorm-SiLU-3x3 conv, plus a linear projection of the
    embedding, then out_layers GroupNorm-SiLU-dropout-3x3 conv, added to the input (through a 1x1 conv when the widths
    differ); no skip scale. The encoder hands it SiLU(embedding), which is what emb_layers' own SiLU computes."""

    def __init__(self, in_channels: int, out_channels: int, embedding_channels: int, layout: EncoderLayout):
        super().__init__()
        self.in_channels = in_channels
        self.dropout = layout.dropout
        self.in_layers = nn.ModuleDict({"0": adm_norm(in_channels, layout), "2": nn.Conv2d(in_channels, out_channels, 3, padding=1)})
        self.emb_layers = nn.ModuleDict({"1": nn.Linear(embedding_channels, out_channels)})
        self.out_layers = nn.ModuleDict({"0": adm_norm(out_channels, layout), "3": zero_(nn.Conv2d(out_channels, out_channels, 3, padding=1))})
        self.skip_connection = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else None

    def forward(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        h = self.in_layers["2"](F.silu(self.in_layers["0"](x)))
        h = h + self.emb_layers["1"](embedding).unsqueeze(2).unsqueeze(3)
        h = self.out_layers["3"](F.dropout(F.silu(self.out_layers["0"](h)), p=self.dropout, training=self.training))
        return h + (x if self.skip_connection is None else self.skip_connection(x))


class AdmAttention(nn.Module):
    """ADM's AttentionBlock with QKVAttentionLegacy: each head's q, k and v contiguous, softmax(q^T k / sqrt(head
    channels)) in float32, proj_out added to the input."""

    def __init__(self, channels: int, layout: EncoderLayout):
        super().__init__()
        self.in_channels = channels
        self.heads = channels // layout.head_channels if layout.head_channels > 0 else layout.heads
        self.norm = adm_norm(channels, layout)
        self.qkv = nn.Conv1d(channels, channels * 3, 1)
        self.proj_out = zero_(nn.Conv1d(channels, channels, 1))

    def forward(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        n, c = x.shape[0], x.shape[1]
        flat = x.reshape(n, c, -1)
        q, k, v = self.qkv(self.norm(flat)).reshape(n * self.heads, 3 * (c // self.heads), -1).chunk(3, dim=1)
        scale = 1.0 / math.sqrt(math.sqrt(q.shape[1]))
        with torch.autocast(device_type=q.device.type, enabled=False) if q.device.type in ("cpu", "cuda") else contextlib.nullcontext():
            weights = torch.einsum("bct,bcs->bts", q.float() * scale, k.float() * scale).softmax(dim=2).to(v.dtype)
        attended = torch.einsum("bts,bcs->bct", weights, v).reshape(n, c, -1)
        return (flat + self.proj_out(attended)).reshape(x.shape)


class AdmDownsample(nn.Module):
    """ADM's Downsample with conv_resample: a 3x3 conv of stride 2."""

    def __init__(self, channels: int):
        super().__init__()
        self.in_channels = channels
        self.op = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        return self.op(x)


class AdmUpsample(nn.Module):
    """ADM's Upsample with conv_resample: nearest-neighbour doubling, then a 3x3 conv."""

    def __init__(self, channels: int):
        super().__init__()
        self.in_channels = channels
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class AdmSequence(nn.Module):
    """ADM's TimestepEmbedSequential: one entry of input_blocks, middle_block or output_blocks, layers "0", "1", ..."""

    def __init__(self, layers: List[nn.Module]):
        super().__init__()
        self.in_channels = layers[0].in_channels
        for i, layer in enumerate(layers):
            self.add_module(str(i), layer)

    def forward(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        for layer in self._modules.values():
            x = layer(x, embedding)
        return x


def adm_sequences(blocks: List[Block], embedding_channels: int, layout: EncoderLayout) -> Tuple[List[AdmSequence], Optional[AdmSequence]]:
    """Groups the network plan's blocks as UNetModel does: each residual block with its attention is one entry, a
    downsampling conv an entry of its own, an upsampling conv joins the entry before it, the middle blocks are one."""
    entries: List[List[nn.Module]] = []
    middle: List[nn.Module] = []
    for block in blocks:
        if block.resample == "down":
            entries.append([AdmDownsample(block.in_channels)])
        elif block.resample == "up":
            if not entries:
                entries.append([])
            entries[-1].append(AdmUpsample(block.in_channels))
        else:
            layers = middle if block.middle else []
            layers.append(AdmResBlock(block.in_channels, block.out_channels, embedding_channels, layout))
            if block.attention:
                layers.append(AdmAttention(block.out_channels, layout))
            if not block.middle:
                entries.append(layers)
    return [AdmSequence(layers) for layers in entries], AdmSequence(middle) if middle else None


class AdmEncoder(nn.Module):
    """The shared encoder of an ADM network: time_embed, input_blocks (the stem conv first) and middle_block."""

    def __init__(self, layout: EncoderLayout):
        super().__init__()
        self.layout = layout
        noise, emb = layout.noise_channels, layout.embedding_channels
        self.map_noise, self.map_augment = noise_inputs(layout)
        self.time_embed = nn.ModuleDict({"0": nn.Linear(noise, emb), "2": nn.Linear(emb, emb)})
        sequences, middle = adm_sequences(layout.blocks, emb, layout)
        self.input_blocks = nn.ModuleList([nn.Sequential(nn.Conv2d(layout.in_channels, layout.stem_width, 3, padding=1))] + sequences)
        self.middle_block = middle

    def forward(self, x: torch.Tensor, noise_labels: torch.Tensor, augment_labels: Optional[torch.Tensor] = None):
        """Returns (features, skips, embedding): every input block's output is a skip, the stem's included."""
        embedding = embed_noise(self.map_noise, self.map_augment, self.time_embed["0"], self.time_embed["2"], noise_labels, augment_labels)
        blocks = list(self.input_blocks)
        x = blocks[0](x)
        skips = [x]
        for block in blocks[1:]:
            x = block(x, embedding)
            skips.append(x)
        if self.middle_block is not None:
            x = self.middle_block(x, embedding)
        return x, skips, embedding


class AdmDecoder(nn.Module):
    """One stage's ADM decoder: output_blocks, each taking the next skip, then out (GroupNorm, SiLU, 3x3 conv)."""

    def __init__(self, layout: DecoderLayout, encoder: EncoderLayout):
        super().__init__()
        sequences, _ = adm_sequences(layout.blocks, encoder.embedding_channels, encoder)
        self.output_blocks = nn.ModuleList(sequences)
        self.out = nn.ModuleDict({"0": adm_norm(layout.output_width, encoder),
                                  "2": zero_(nn.Conv2d(layout.output_width, layout.out_channels, 3, padding=1))})

    def forward(self, x: torch.Tensor, skips: List[torch.Tensor], embedding: torch.Tensor) -> torch.Tensor:
        skip = len(skips)
        for block in self.output_blocks:
            if x.shape[1] != block.in_channels:
                skip -= 1
                x = torch.cat([x, skips[skip]], dim=1)
            x = block(x, embedding)
        return self.out["2"](F.silu(self.out["0"](x)))


# ---- noise schedules: x_t = s_t x0 + s_t sigma_t eps, t in [0, 1]; float64, on t's device ----

class Schedule:
    min_time = 0.0

    def scale_and_sigma(self, t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        log_scale = self.log_scale(t.to(torch.float64))
        return log_scale.exp(), torch.sqrt(torch.exp(-2.0 * log_scale) - 1.0)

    def at(self, t: float) -> Tuple[float, float]:
        """(s_t, sigma_t) for one time, in float64."""
        scale, sigma = self.scale_and_sigma(torch.tensor([t], dtype=torch.float64))
        return scale.item(), sigma.item()

    @property
    def training_min_time(self) -> float:
        """The smallest t training draws: min_time unless the schedule's reference trains below where it samples."""
        return self.min_time

    def training_cdf(self, t: torch.Tensor) -> torch.Tensor:
        """The training times' distribution over [training_min_time, 1]: uniform, unless the schedule has its own."""
        low = self.training_min_time
        return ((t - low) / (1.0 - low)).clamp(0.0, 1.0)

    def training_quantile(self, p: torch.Tensor) -> torch.Tensor:
        low = self.training_min_time
        return low + p.clamp(0.0, 1.0) * (1.0 - low)


class VpSchedule(Schedule):
    """score_sde's continuous VP SDE: log s_t = -t^2 (beta_max - beta_min) / 4 - t beta_min / 2."""

    def __init__(self, beta_min: float, beta_max: float, min_time: float = 1e-3):
        self.beta_min, self.beta_max, self.min_time = beta_min, beta_max, min_time

    @property
    def training_min_time(self) -> float:
        return min(self.min_time, 1e-5)  # score_sde's losses.py eps, below the 1e-3 where sampling ends (as the C# VpSchedule)

    def log_scale(self, t):
        return -0.25 * t * t * (self.beta_max - self.beta_min) - 0.5 * t * self.beta_min

    def time_of_sigma(self, sigma: float) -> float:
        """The inverse of sigma(t), in the cancellation-free form of DPM-Solver's inverse_lambda."""
        half_log = 0.5 * math.log(1.0 + sigma * sigma)
        return 4.0 * half_log / (math.sqrt(self.beta_min ** 2 + 4.0 * (self.beta_max - self.beta_min) * half_log) + self.beta_min)

    def noise_labels(self, t):
        return t.to(torch.float32) * 999.0


class DdpmLinearSchedule(Schedule):
    """Discrete DDPM betas, linear (or, sqrt_spaced_betas, their square roots linear: latent diffusion's "linear"); log s
    interpolated linearly in t between grid points t_n = n / (steps - 1)."""

    def __init__(self, beta_start: float, beta_end: float, steps: int, sqrt_spaced_betas: bool = False):
        self.steps = steps
        if sqrt_spaced_betas:
            betas = [(math.sqrt(beta_start) + (math.sqrt(beta_end) - math.sqrt(beta_start)) * n / (steps - 1)) ** 2 for n in range(steps)]
        else:
            betas = [beta_start + (beta_end - beta_start) * n / (steps - 1) for n in range(steps)]
        log_scale, total = [], 0.0
        for beta in betas:
            total += math.log(1.0 - beta)
            log_scale.append(0.5 * total)
        self.grid = torch.tensor(log_scale, dtype=torch.float64)
        self.grids = {}  # the grid on each device it has been used on, copied there once

    def training_cdf(self, t):
        """Training draws the steps, n uniform in 0 .. steps - 1 at t_n = n / (steps - 1), as the C# DdpmLinearSchedule."""
        below = torch.ceil(t * (self.steps - 1) - 1e-9).clamp(0, self.steps - 1) / self.steps
        return torch.where(t >= 1.0, torch.ones_like(below), below)

    def training_quantile(self, p):
        return (p.clamp(0.0, 1.0) * self.steps + 1e-9).floor().clamp(max=self.steps - 1) / (self.steps - 1)

    def log_scale(self, t):
        if t.device not in self.grids:
            self.grids[t.device] = self.grid.to(t.device)
        grid = self.grids[t.device]
        last = grid.shape[0] - 1
        position = t.clamp(0.0, 1.0) * last
        lower = position.floor().clamp(max=last - 1).long()
        fraction = position - lower.to(torch.float64)
        return grid[lower] + fraction * (grid[lower + 1] - grid[lower])

    def time_of_sigma(self, sigma: float) -> float:
        """Finds the grid segment holding log s = -ln(1 + sigma^2) / 2 and interpolates in it."""
        grid, target = self.grid.tolist(), -0.5 * math.log(1.0 + sigma * sigma)
        last = len(grid) - 1
        if target >= grid[0]:
            return 0.0
        if target <= grid[last]:
            return 1.0
        lo, hi = 0, last
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if grid[mid] >= target else (lo, mid)
        return (lo + (target - grid[lo]) / (grid[hi] - grid[lo])) / last

    def noise_labels(self, t):
        return t.to(torch.float32) * float(self.steps - 1)


class CosineSchedule(Schedule):
    """Nichol and Dhariwal's cosine schedule in continuous time, t in [0, 1] mapped to tau = max_tau t."""

    def __init__(self, offset: float, max_tau: float = 0.9946, steps: int = 1000, min_time: float = 1e-3):
        self.offset, self.max_tau, self.steps, self.min_time = offset, max_tau, steps, min_time

    def angle(self, tau):
        return (tau + self.offset) / (1.0 + self.offset) * math.pi / 2.0

    def log_scale(self, t):
        return torch.log(torch.cos(self.angle(t * self.max_tau))) - math.log(math.cos(self.angle(0.0)))

    def time_of_sigma(self, sigma: float) -> float:
        angle = math.acos(math.exp(-0.5 * math.log(1.0 + sigma * sigma) + math.log(math.cos(self.angle(0.0)))))
        return (angle * 2.0 / math.pi * (1.0 + self.offset) - self.offset) / self.max_tau

    def noise_labels(self, t):
        return t.to(torch.float32) * float(self.steps - 1)


class EdmSchedule(Schedule):
    """EDM (Karras et al. 2022, Eq. 5): s_t = 1, sigma(t) = (sigma_min^(1/rho) + t (sigma_max^(1/rho) - sigma_min^(1/rho)))^rho;
    training draws ln sigma ~ N(P_mean, P_std^2), restricted to [sigma_min, sigma_max]."""

    def __init__(self, sigma_min, sigma_max, rho, p_mean, p_std, sigma_data):
        self.sigma_min, self.sigma_max, self.rho = sigma_min, sigma_max, rho
        self.p_mean, self.p_std, self.sigma_data = p_mean, p_std, sigma_data
        self.root_min, self.root_max = sigma_min ** (1.0 / rho), sigma_max ** (1.0 / rho)
        # The lognormal's mass below sigma_min and sigma_max, the bounds it is restricted to.
        normal_cdf = lambda sigma: 0.5 * (1.0 + math.erf((math.log(sigma) - p_mean) / (p_std * math.sqrt(2.0))))
        self.mass_low, self.mass_high = normal_cdf(sigma_min), normal_cdf(sigma_max)

    def scale_and_sigma(self, t):
        sigma = (self.root_min + t.to(torch.float64) * (self.root_max - self.root_min)) ** self.rho
        return torch.ones_like(sigma), sigma

    def time_of_sigma(self, sigma):
        """Works on floats and on tensors."""
        return (sigma ** (1.0 / self.rho) - self.root_min) / (self.root_max - self.root_min)

    def noise_labels(self, t):
        """EDM's c_noise = ln(sigma) / 4."""
        return ((t.to(torch.float64) * (self.root_max - self.root_min) + self.root_min).log() * (self.rho / 4.0)).to(torch.float32)

    def _raw_cdf(self, sigma):
        return torch.special.ndtr((torch.log(sigma) - self.p_mean) / self.p_std)

    def training_cdf(self, t):
        _, sigma = self.scale_and_sigma(t.clamp(0.0, 1.0))
        return ((self._raw_cdf(sigma) - self.mass_low) / (self.mass_high - self.mass_low)).clamp(0.0, 1.0)

    def training_quantile(self, p):
        z = torch.special.ndtri(self.mass_low + p.clamp(0.0, 1.0) * (self.mass_high - self.mass_low))
        return self.time_of_sigma(torch.exp(self.p_mean + self.p_std * z)).clamp(0.0, 1.0)


# ---- what the network predicts (runtime/Diffusion/TargetParameterisation.cs), in x_hat = x0 + sigma eps ----

def edm_coefficients(sigma, sigma_data):
    """EDM Table 1: c_skip, c_out, c_in."""
    total = sigma.square() + sigma_data * sigma_data
    return sigma_data * sigma_data / total, sigma * sigma_data / total.sqrt(), total.rsqrt()


def model_input(target, x_hat, scale, sigma, sigma_data):
    """EDM scales x_hat by c_in; the other targets see x_t = s x_hat."""
    return x_hat * edm_coefficients(sigma, sigma_data)[2] if target == "edm" else x_hat * scale


def data_estimate(target, raw, x_hat, sigma, sigma_data):
    if target == "eps":
        return x_hat - sigma * raw
    if target == "x0":
        return raw
    if target == "v":  # Salimans and Ho's v = a eps - b x0 with a = 1 / sqrt(1 + sigma^2), b = sigma a
        return (x_hat - sigma * (1 + sigma.square()).sqrt() * raw) / (1 + sigma.square())
    c_skip, c_out, _ = edm_coefficients(sigma, sigma_data)
    return c_skip * x_hat + c_out * raw


def raw_target(target, x0, eps, sigma, sigma_data):
    """What the raw output regresses to; a unit-weight MSE on it is each target's standard loss."""
    if target == "eps":
        return eps
    if target == "x0":
        return x0
    if target == "v":
        return (eps - sigma * x0) * (1 + sigma.square()).rsqrt()
    c_skip, c_out, _ = edm_coefficients(sigma, sigma_data)
    return (x0 - c_skip * (x0 + sigma * eps)) / c_out


def stage_counts(stage: torch.Tensor, stages: int) -> torch.Tensor:
    """Samples per stage, on the device. Not bincount: on CUDA it reads the values' min and max back to the host first."""
    return torch.zeros(stages, dtype=torch.long, device=stage.device).scatter_add_(0, stage, torch.ones_like(stage))


class MultistageUNet(nn.Module):
    """One shared encoder, one decoder per stage. The encoder runs once on the whole batch; each decoder runs on the
    samples whose t lies in its stage, and the results go back in batch order. state_dict keys are "encoder.*" and
    one "<stage name>.*" per stage, as in the TorchSharp model."""

    def __init__(self, encoder: EncoderLayout, decoders: Dict[str, DecoderLayout], stages: List[Stage], schedule: Schedule,
                 prediction: str, sigma_data: float = 0.5):
        super().__init__()
        self.stages = stages
        self.schedule = schedule
        self.prediction = prediction
        self.sigma_data = sigma_data
        adm = encoder.family == "adm"
        self.encoder = AdmEncoder(encoder) if adm else SharedEncoder(encoder)
        # Into _modules directly: a stage may be named like an nn.Module attribute ("training", "forward"), which
        # add_module refuses, and its keys must still read "<stage name>.dec..." (or ".output_blocks...").
        for stage in stages:
            self._modules[stage.name] = (AdmDecoder if adm else StageDecoder)(decoders[stage.name], encoder)
        self.boundaries = [s.start for s in stages[1:]]
        self.boundaries_on = {}  # the boundaries as a tensor on each device routing has run on, built there once

    def decoder(self, stage: int) -> nn.Module:
        return self._modules[self.stages[stage].name]

    def stage_of(self, t: torch.Tensor) -> torch.Tensor:
        """Each sample's stage index: the stage whose [start, end) holds t, compared in float64."""
        if len(self.stages) == 1:
            return torch.zeros(t.shape[0], dtype=torch.long, device=t.device)
        if t.device not in self.boundaries_on:
            self.boundaries_on[t.device] = torch.tensor(self.boundaries, dtype=torch.float64, device=t.device)
        return torch.bucketize(t.to(torch.float64).contiguous(), self.boundaries_on[t.device], right=True)

    def stage_at(self, t: float) -> int:
        """The stage of one time, as stage_of finds it for a tensor (the samplers' steps are one time for the batch)."""
        return bisect.bisect_right(self.boundaries, t)

    def forward(self, x: torch.Tensor, t: torch.Tensor, augment_labels: Optional[torch.Tensor] = None,
                stage_of_batch: Optional[int] = None) -> torch.Tensor:
        """The raw network output for model inputs x at per-sample times t; stage_of_batch, when the caller knows the
        whole batch is in one stage, saves reading the routing back from the device."""
        features, skips, embedding = self.encoder(x, self.schedule.noise_labels(t), augment_labels)
        if stage_of_batch is not None:
            return self.decoder(stage_of_batch)(features, skips, embedding)
        stage = self.stage_of(t)
        counts = stage_counts(stage, len(self.stages)).tolist()  # one host read per call: the routing
        for k, count in enumerate(counts):
            if count == x.shape[0]:
                return self.decoder(k)(features, skips, embedding)
        output = None
        for k, count in enumerate(counts):
            if count == 0:
                continue
            index = (stage == k).nonzero().squeeze(1)
            part = self.decoder(k)(features.index_select(0, index), [s.index_select(0, index) for s in skips],
                                   embedding.index_select(0, index))
            if output is None:
                output = part.new_zeros((x.shape[0],) + tuple(part.shape[1:]))
            output = output.index_copy(0, index, part)
        return output

    def noise_levels(self, t: torch.Tensor, like: torch.Tensor):
        """Per-sample s_t and sigma_t in like's dtype, shaped to broadcast against it."""
        scale, sigma = self.schedule.scale_and_sigma(t)
        shape = (-1,) + (1,) * (like.dim() - 1)
        return scale.to(like.dtype).view(shape), sigma.to(like.dtype).view(shape)

    def denoise(self, x_hat: torch.Tensor, t: torch.Tensor, stage_of_batch: Optional[int] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        """The estimates (x0, eps) for unscaled inputs x_hat = x0 + sigma eps at per-sample times t."""
        scale, sigma = self.noise_levels(t, x_hat)
        # A solver integrating in float64 (EDM's Heun) gives the network its own precision and takes the output back in its.
        network_type = next(self.parameters()).dtype
        raw = self(model_input(self.prediction, x_hat, scale, sigma, self.sigma_data).to(network_type), t, stage_of_batch=stage_of_batch)
        data = data_estimate(self.prediction, raw.to(x_hat.dtype), x_hat, sigma, self.sigma_data)
        return data, (x_hat - data) / sigma

    def loss(self, x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor, augment_labels: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Per-sample denoising score-matching loss: MSE of the raw output against the target, shape [N]."""
        scale, sigma = self.noise_levels(t, x0)
        x_hat = x0 + sigma * eps
        raw = self(model_input(self.prediction, x_hat, scale, sigma, self.sigma_data), t, augment_labels)
        target = raw_target(self.prediction, x0, eps, sigma, self.sigma_data)
        return (raw.float() - target.float()).square().mean(dim=tuple(range(1, x0.dim())))

    def load_weights(self, path: str, expected_hash: Optional[str] = None) -> int:
        """Loads a safetensors file with this model's names (written by either side); returns the step it records."""
        tensors, metadata = read_safetensors(path)
        stored = metadata.get("diffusiondsl.model_hash")
        if expected_hash is not None and stored is not None and stored != expected_hash:
            raise ValueError(f"{path}: written for model hash '{stored}', but this model's hash is '{expected_hash}'")
        own = self.state_dict()
        missing, unexpected = sorted(set(own) - set(tensors)), sorted(set(tensors) - set(own))
        if missing or unexpected:
            raise ValueError(f"{path}: the names do not match this model; missing {missing[:5]}, unexpected {unexpected[:5]}")
        for name, value in tensors.items():
            if tuple(value.shape) != tuple(own[name].shape):
                raise ValueError(f"{path}: '{name}' has shape {list(value.shape)}, the model's is {list(own[name].shape)}")
        self.load_state_dict({name: value.to(own[name].dtype) for name, value in tensors.items()})
        return int(metadata.get("diffusiondsl.step", "0"))


# ---- sampling: the C# runtime's solvers (runtime/Sampling/Solvers), step for step ----
# A grid point is (t, s_t, sigma_t); the state x = s_t (x0 + sigma_t eps). In DPM-Solver's notation alpha_t = s_t, its
# sigma_t = s_t sigma_t and lambda_t = -ln sigma_t; in DDIM/DDPM's variance-preserving one z = a x0 + b eps with
# a = 1 / sqrt(1 + sigma^2), b = sigma a. Every solver takes `clip`: clean-data estimates clamped to [-1, 1] and the noise
# estimate made consistent with them (the .msd's sample `clip`, C#'s ClipDenoised).

CLEAN = (0.0, 1.0, 0.0)


def _ramp(n: int) -> List[float]:
    if n < 1:
        raise ValueError("a sampling grid needs at least one point")
    return [0.0] if n == 1 else [1.0 if i == n - 1 else i / (n - 1) for i in range(n)]


def _point(schedule: Schedule, t: float) -> Tuple[float, float, float]:
    return (t,) + schedule.at(t)


def karras_grid(schedule: Schedule, steps: int, end_time: Optional[float] = None) -> List[Tuple[float, float, float]]:
    """(t, s_t, sigma_t) uniform in sigma^(1/rho) (EDM Eq. 5) from t = 1 to end_time (the schedule's smallest time
    unless given), then the clean point sigma = 0. rho: the edm schedule's own, 7 for the others (TimeGrids.cs)."""
    rho = getattr(schedule, "rho", 7.0)
    end_time = schedule.min_time if end_time is None else end_time
    max_root, min_root = schedule.at(1.0)[1] ** (1.0 / rho), schedule.at(end_time)[1] ** (1.0 / rho)
    times = [1.0 if u == 0.0 else end_time if u == 1.0 else schedule.time_of_sigma((max_root + u * (min_root - max_root)) ** rho)
             for u in _ramp(steps)]
    return [_point(schedule, t) for t in times] + [CLEAN]


def uniform_time_grid(schedule: Schedule, n: int, end_time: Optional[float] = None) -> List[Tuple[float, float, float]]:
    """n points uniform in t (DDPM/DDIM's spacing) down to end_time, then the clean point."""
    end_time = schedule.min_time if end_time is None else end_time
    return [_point(schedule, 1.0 + u * (end_time - 1.0)) for u in _ramp(n)] + [CLEAN]


def _at_lambda(schedule: Schedule, lam: float) -> Tuple[float, float, float]:
    return _point(schedule, schedule.time_of_sigma(math.exp(-lam)))


def uniform_log_snr_grid(schedule: Schedule, n: int, end_time: Optional[float] = None) -> List[Tuple[float, float, float]]:
    """n points uniform in lambda = -ln sigma (DPM-Solver's logSNR spacing) down to end_time; no clean point."""
    end_time = schedule.min_time if end_time is None else end_time
    start, end = -math.log(schedule.at(1.0)[1]), -math.log(schedule.at(end_time)[1])
    return [_point(schedule, 1.0) if u == 0.0 else _point(schedule, end_time) if u == 1.0 else _at_lambda(schedule, start + u * (end - start))
            for u in _ramp(n)]


def dpm_grid(schedule: Schedule, spacing: str, n: int, end_time: Optional[float] = None) -> List[Tuple[float, float, float]]:
    """TimeGrids.Spaced: the DPM solvers' n points, uniform in lambda ("logsnr") or in t ("time"); no clean point."""
    if spacing == "time":
        end_time = schedule.min_time if end_time is None else end_time
        return [_point(schedule, 1.0 + u * (end_time - 1.0)) for u in _ramp(n)]
    return uniform_log_snr_grid(schedule, n, end_time)


def _estimate(model: "MultistageUNet", x: torch.Tensor, point: Tuple[float, float, float], clip: bool, scaled: bool = True):
    """(x0, eps) at a grid point for the state x (scaled) or x_hat = x / s_t (unscaled)."""
    t, scale, sigma = point
    x_hat = x / scale if scaled else x
    data, eps = model.denoise(x_hat, torch.full((x.shape[0],), t, dtype=torch.float64, device=x.device), model.stage_at(t))
    if clip and sigma != 0.0:
        data = data.clamp(-1.0, 1.0)
        eps = (x_hat - data) / sigma
    return data, eps


def to_device(x: torch.Tensor, device: torch.device) -> torch.Tensor:
    """HostToDevice.cs: a CPU tensor reaches a CUDA device through page-locked memory with a queued copy, where a copy
    from pageable memory would make the host wait behind every kernel already queued; elsewhere a plain .to."""
    if torch.device(device).type == "cuda" and x.device.type == "cpu":
        return x.pin_memory().to(device, non_blocking=True)
    return x.to(device)


class ImageNoise:
    """Each image's own noise stream, as ImageNoise.cs (and EDM's StackedRandomGenerator): image i of a run seeded s draws
    its initial noise and every step's noise from a CPU generator seeded s x 1,000,003 + i, so an image depends on the seed
    and its index only, not on the batch or the count."""

    SEED_STRIDE = 1_000_003

    def __init__(self, seed, count, first=0):
        self.generators = [torch.Generator().manual_seed((seed * self.SEED_STRIDE + first + i) % 2 ** 64) for i in range(count)]

    def draw(self, shape, dtype=torch.float32):
        return torch.stack([torch.randn(tuple(shape), dtype=dtype, generator=g) for g in self.generators])

    def like(self, x):
        if x.shape[0] != len(self.generators):
            raise ValueError(f"these streams are for {len(self.generators)} images, and x holds {x.shape[0]}")
        return to_device(self.draw(x.shape[1:], x.dtype), x.device)


def _noise_like(x, streams):
    return streams.like(x) if streams is not None else to_device(torch.randn(x.shape, dtype=x.dtype), x.device)


def _initial(noise, grid):
    """x_T = s_T sigma_T n: the solvers' state at the first grid point."""
    return noise * (grid[0][1] * grid[0][2])


def _vp(point):
    a = 1.0 / math.sqrt(1.0 + point[2] * point[2])
    return a, point[2] * a


@torch.no_grad()
def sample_euler(model, noise, steps, end_time=None, clip=False, eta=0.0, streams=None):
    """EulerSolver.cs: dx_hat/dsigma = eps_hat (EDM Eq. 4, x_hat = x / s), `steps` evaluations on EDM's grid."""
    grid = karras_grid(model.schedule, steps, end_time)
    x = _initial(noise, grid)
    for point, (_, next_scale, next_sigma) in zip(grid, grid[1:]):
        x_hat = x / point[1]
        _, eps = _estimate(model, x_hat, point, clip, scaled=False)
        x = (x_hat + eps * (next_sigma - point[2])) * next_scale
    return x / grid[-1][1]


def _churn_gamma(churn, sigma, sigma_points):
    """HeunChurn.Gamma: EDM Algorithm 2's gamma = min(S_churn / N, sqrt(2) - 1) where S_min <= sigma <= S_max, else 0."""
    amount, low, high, _ = churn
    return min(amount / sigma_points, math.sqrt(2) - 1) if amount > 0 and low <= sigma <= high else 0.0


@torch.no_grad()
def sample_heun(model, noise, steps, end_time=None, clip=False, eta=0.0, streams=None, churn=None):
    """EdmHeunSolver.cs, EDM Algorithm 1 (deterministic Heun): an Euler step, then a trapezoidal correction except on the
    last step to sigma = 0. `steps` sigma points, so 2 steps - 1 evaluations (18 give EDM's 35). With churn, a tuple
    (S_churn, S_min, S_max, S_noise) with S_churn > 0, EDM Algorithm 2: each step first raises sigma by 1 + gamma and adds
    the matching fresh noise (drawn at every step, as EDM's sampler draws it)."""
    grid = karras_grid(model.schedule, steps, end_time)
    x = _initial(noise.to(torch.float64), grid)  # in float64, as EDM's generate.py integrates (and EdmHeunSolver.cs)
    churning = churn is not None and churn[0] > 0
    for point, following in zip(grid, grid[1:]):
        (_, scale, sigma), (_, next_scale, next_sigma) = point, following
        x_hat = x / scale
        if churning:
            draw = _noise_like(x_hat, streams)
            gamma = _churn_gamma(churn, sigma, len(grid) - 1)
            if gamma > 0:
                # The level the schedule has at t_hat, as EdmHeunSolver.cs (a ddpm schedule's times stop at t = 1).
                point = _point(model.schedule, model.schedule.time_of_sigma(sigma + gamma * sigma))
                x_hat = x_hat + draw * (math.sqrt(point[2] * point[2] - sigma * sigma) * churn[3])
                sigma = point[2]
        d = _estimate(model, x_hat, point, clip, scaled=False)[1]
        euler = x_hat + d * (next_sigma - sigma)
        if next_sigma == 0.0:
            x = euler * next_scale
        else:
            d_next = _estimate(model, euler, following, clip, scaled=False)[1]
            x = (x_hat + (d + d_next) * (0.5 * (next_sigma - sigma))) * next_scale
    return (x / grid[-1][1]).to(noise.dtype)


@torch.no_grad()
def sample_ddim(model, noise, steps, end_time=None, clip=False, eta=0.0, streams=None):
    """DdimSolver.cs, DDIM (Song et al. 2021, Eq. 12 and 16): z' = a' x0 + sqrt(b'^2 - s^2) eps + s n with
    s = eta (b'/b) sqrt(1 - a^2/a'^2); eta = 0 is deterministic. `steps` evaluations, uniform in t."""
    grid = uniform_time_grid(model.schedule, steps, end_time)
    x = _initial(noise, grid)
    for point, following in zip(grid, grid[1:]):
        data, eps = _estimate(model, x, point, clip)
        (a, b), (a_next, b_next) = _vp(point), _vp(following)
        stochastic = eta * (b_next / b) * math.sqrt(max(0.0, 1.0 - a * a / (a_next * a_next)))
        z = data * a_next + eps * math.sqrt(max(0.0, b_next * b_next - stochastic * stochastic))
        if stochastic > 0:
            z = z + _noise_like(x, streams) * stochastic
        x = z * (following[1] / a_next)
    return x / grid[-1][1]


@torch.no_grad()
def sample_ddpm(model, noise, steps, end_time=None, clip=False, eta=0.0, streams=None):
    """DdpmAncestralSolver.cs, DDPM ancestral sampling (Ho et al. 2020, Eq. 6-7): each step draws from the posterior
    q(x_t' | x_t, x0_hat). `steps` evaluations, uniform in t; each image's noise comes from its stream in `streams`."""
    grid = uniform_time_grid(model.schedule, steps, end_time)
    x = _initial(noise, grid)
    for point, following in zip(grid, grid[1:]):
        data, _ = _estimate(model, x, point, clip)
        (a, b), (a_next, b_next) = _vp(point), _vp(following)
        ratio = a * a / (a_next * a_next)
        beta = 1.0 - ratio
        z = x * (a / point[1])
        mean = data * (a_next * beta / (b * b)) + z * (math.sqrt(ratio) * b_next * b_next / (b * b))
        variance = beta * b_next * b_next / (b * b)
        z = mean + _noise_like(x, streams) * math.sqrt(variance) if variance > 0 else mean
        x = z * (following[1] / a_next)
    return x / grid[-1][1]


def dpm_solver_orders(steps: int, order: int) -> List[int]:
    """DPM-Solver's 'fast' order schedule for a budget of `steps` evaluations (DpmSolverSinglestep.OrdersFor)."""
    if steps < 1:
        raise ValueError("steps must be at least 1")
    if order == 3:
        orders = [3] * (steps // 3)
        if steps % 3 == 0:
            orders[-1] = 2
            orders.append(1)
        else:
            orders.append(steps % 3)
        return orders
    return [2] * (steps // 2) + ([1] if steps % 2 == 1 else [])


def _dpm_singlestep(model, noise, steps, order, end_time, clip, spacing="logsnr"):
    """DpmSolverSinglestep.cs: singlestep DPM-Solver-2 and -3 with noise prediction (Lu et al. 2022, Algorithms 1 and 2,
    r1 = 1/2; r1 = 1/3, r2 = 2/3), outer steps uniform in lambda; with spacing "time", every evaluation on a grid of
    steps + 1 times uniform in t, r1 and r2 where the inner times fall in lambda (dpm_solver.py's time_uniform)."""
    schedule = model.schedule
    orders = dpm_solver_orders(steps, order)
    alpha = lambda p: p[1]
    std = lambda p: p[1] * p[2]
    lam = lambda p: -math.log(p[2])
    if spacing == "time":
        every = dpm_grid(schedule, "time", steps + 1, end_time)
        grid = [every[sum(orders[:k])] for k in range(len(orders) + 1)]
    else:
        grid = uniform_log_snr_grid(schedule, len(orders) + 1, end_time)

    def inner(s, t, i, step_order):
        h = lam(t) - lam(s)
        if spacing != "time":
            return _at_lambda(schedule, lam(s) + i / step_order * h), i / step_order
        point = _point(schedule, s[0] + (t[0] - s[0]) * i / step_order)
        return point, (lam(point) - lam(s)) / h

    x = _initial(noise, grid)
    for k, step_order in enumerate(orders):
        s, t = grid[k], grid[k + 1]
        h = lam(t) - lam(s)
        eps_s = _estimate(model, x, s, clip)[1]
        first = x * (alpha(t) / alpha(s)) - eps_s * (std(t) * math.expm1(h))
        if step_order == 1:
            x = first
        elif step_order == 2:
            s1, r1 = inner(s, t, 1, 2)
            x_s1 = x * (alpha(s1) / alpha(s)) - eps_s * (std(s1) * math.expm1(r1 * h))
            eps_s1 = _estimate(model, x_s1, s1, clip)[1]
            x = first - (eps_s1 - eps_s) * (0.5 / r1 * std(t) * math.expm1(h))
        else:
            (s1, r1), (s2, r2) = inner(s, t, 1, 3), inner(s, t, 2, 3)
            phi22, phi2 = math.expm1(r2 * h) / (r2 * h) - 1.0, math.expm1(h) / h - 1.0
            x_s1 = x * (alpha(s1) / alpha(s)) - eps_s * (std(s1) * math.expm1(r1 * h))
            eps_s1 = _estimate(model, x_s1, s1, clip)[1]
            x_s2 = x * (alpha(s2) / alpha(s)) - eps_s * (std(s2) * math.expm1(r2 * h)) - (eps_s1 - eps_s) * (r2 / r1 * std(s2) * phi22)
            eps_s2 = _estimate(model, x_s2, s2, clip)[1]
            x = first - (eps_s2 - eps_s) * (std(t) * phi2 / r2)
    return x / grid[-1][1]


@torch.no_grad()
def sample_dpm_solver2(model, noise, steps, end_time=None, clip=False, eta=0.0, streams=None, spacing="logsnr"):
    return _dpm_singlestep(model, noise, steps, 2, end_time, clip, spacing)


@torch.no_grad()
def sample_dpm_solver3(model, noise, steps, end_time=None, clip=False, eta=0.0, streams=None, spacing="logsnr"):
    return _dpm_singlestep(model, noise, steps, 3, end_time, clip, spacing)


@torch.no_grad()
def sample_dpm_solver_pp2m(model, noise, steps, end_time=None, clip=False, eta=0.0, streams=None, spacing="logsnr"):
    """DpmSolverPlusPlus2M.cs, multistep DPM-Solver++(2M) with data prediction (Lu et al. 2022b, Algorithm 2); the first
    step is first order, and so is the last below 10 steps (the paper code's dpm_solver.py lower_order_final). `steps`
    evaluations, uniform in lambda or, with spacing "time", in t."""
    grid = dpm_grid(model.schedule, spacing, steps + 1, end_time)
    x = _initial(noise, grid)
    previous, previous_h = None, 0.0
    for k, (s, t) in enumerate(zip(grid, grid[1:])):
        h = math.log(s[2]) - math.log(t[2])
        data = _estimate(model, x, s, clip)[0]
        lower_order_final = k == steps - 1 and steps < 10
        direction = data if previous is None or lower_order_final else \
            data * (1.0 + 0.5 * h / previous_h) - previous * (0.5 * h / previous_h)
        x = x * ((t[1] * t[2]) / (s[1] * s[2])) - direction * (t[1] * math.expm1(-h))
        previous, previous_h = data, h
    return x / grid[-1][1]


# The .msd's solver names (dsl/Semantics/SolverNames.cs).
SAMPLERS = {"euler": sample_euler, "heun": sample_heun, "ddim": sample_ddim, "ddpm": sample_ddpm,
            "dpm_solver2": sample_dpm_solver2, "dpm_solver3": sample_dpm_solver3, "dpm_solver_pp2m": sample_dpm_solver_pp2m}


# ---- safetensors without the safetensors package: 8-byte header length, JSON header, little-endian data ----

_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64,
           "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}
_NAMES = {dtype: name for name, dtype in _DTYPES.items()}


def _safetensors_header(f, path: str) -> Tuple[dict, int]:
    """The JSON header of an open safetensors file and where its data starts."""
    head = f.read(8)
    if head == b"DDCKPT02":
        raise ValueError(f"{path}: a C# training checkpoint (.ckpt), not safetensors: msd export weights writes its weights as .safetensors")
    if len(head) < 8:
        raise ValueError(f"{path}: not a safetensors file (shorter than its 8-byte header length)")
    (length,) = struct.unpack("<Q", head)
    if length > os.fstat(f.fileno()).st_size - 8:
        raise ValueError(f"{path}: not a safetensors file (header length {length} exceeds the file)")
    return json.loads(f.read(length).decode("utf-8")), 8 + length


def _safetensors_tensor(f, path: str, base: int, name: str, entry: dict) -> torch.Tensor:
    """One tensor of an open safetensors file, read alone into memory it owns."""
    begin, end = entry["data_offsets"]
    f.seek(base + begin)
    raw = bytearray(f.read(end - begin))
    if len(raw) != end - begin:
        raise ValueError(f"{path}: tensor '{name}' runs past the end of the file")
    dtype = _DTYPES[entry["dtype"]]
    flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
    return flat.reshape(entry["shape"])


def read_safetensors(path: str) -> Tuple[Dict[str, torch.Tensor], Dict[str, str]]:
    with open(path, "rb") as f:
        header, base = _safetensors_header(f, path)
        tensors = {name: _safetensors_tensor(f, path, base, name, entry) for name, entry in header.items() if name != "__metadata__"}
    return tensors, header.get("__metadata__", {}) or {}


def read_safetensors_one(path: str, choose) -> Tuple[str, torch.Tensor]:
    """One tensor of a safetensors file, read alone, so a large data file is not held more than once: choose(names)
    picks it from the file's tensor names (in the file's order) and returns its name."""
    with open(path, "rb") as f:
        header, base = _safetensors_header(f, path)
        name = choose([n for n in header if n != "__metadata__"])
        return name, _safetensors_tensor(f, path, base, name, header[name])


def write_safetensors(path: str, tensors: Dict[str, torch.Tensor], metadata: Optional[Dict[str, str]] = None) -> None:
    """Writes to a temporary file and renames it, so a reader never sees half a file."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, tensor in tensors.items():
        value = tensor.detach().to("cpu").contiguous()
        raw = value.reshape(-1).view(torch.uint8).numpy().tobytes() if value.numel() else b""
        header[name] = {"dtype": _NAMES[value.dtype], "shape": list(value.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for raw in chunks:
            f.write(raw)
    os.replace(temporary, path)
