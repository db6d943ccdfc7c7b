#!/usr/bin/env python3
"""PyTorch twin of `unirep bench`: the reference code's training step (zhanggq96/uRDP train.py, models.py,
utils.py, and its RDC fork) as a throughput benchmark, on the same models (reference_twin.py's), batch
sizes and CPU, printing the same lines, so `unirep bench --twin` can put both side by side. Synthetic
images and one reused minibatch: it measures speed only; the faithful loop (real data, epochs,
universal decoders, golden files) is reference_twin.py. Needs Debian's python3-torch.

    /usr/bin/python3 bench/pytorch_twin.py [--threads 1,2] [--batches 40]

A fair twin needs an optimised BLAS under torch: Debian's python3-torch links libblas.so.3, which
is the slow netlib reference BLAS unless an optimised one is installed
(apt-get install libopenblas0-openmp); the script prints which one it loaded and warns.

Loop, as in the reference: minibatch i is a critic step when i % 2 != 1 (encoder and decoder
frozen, WGAN-GP loss, critic Adam) and a generator step otherwise (critic frozen, encoder and
decoder Adam on MSE - lambda * mean D(x^) for RDP, MSE + lambda * CE(c(x^), y) for RDC); a fresh
dither for every forward pass. Evaluation: eval mode, no grad, batches of 500: reconstruction,
critic on x and x^, classifier on x^.

After the figures it prints, for `unirep bench --twin` to turn images/s into GFLOP/s: the GFLOP/s of the
critic's largest convolution at batch 256 per thread count ("best convolution", about the most any
convolution here reaches on this CPU), and the convolution and matrix-product MFLOP per image of each
figure, counted from the ATen ops this loop dispatches ("flops").
"""
import argparse
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

TRAIN_IMAGES, TEST_IMAGES, BATCH, EVAL_BATCH = 60000, 10000, 64, 500


from reference_twin import Classifier, Critic, Decoder, Encoder  # the models, defined once (reference architecture)


def uniform_noise(size, alpha):
    return torch.rand(*size) * alpha - alpha / 2


def classifier_net():
    c = Classifier()
    for p in c.parameters():
        p.requires_grad_(False)
    return c


def set_requires_grad(module, flag):
    for p in module.parameters():
        p.requires_grad = flag


def gradient_penalty(critic, real, fake):
    a = torch.FloatTensor(np.random.random((real.size(0), 1, 1, 1)))
    mixed = (a * real + (1 - a) * fake).requires_grad_(True)
    d = critic(mixed)
    g, = torch.autograd.grad(outputs=d, inputs=mixed, grad_outputs=torch.ones(real.size(0), 1),
                             create_graph=True, retain_graph=True, only_inputs=True)
    return ((g.view(g.size(0), -1).norm(2, dim=1) - 1) ** 2).mean()


def make_step(mode, lam=0.01):
    """The reference loop's step on a fixed minibatch: step(i) is a critic step for even i, else a generator step."""
    torch.manual_seed(1)
    np.random.seed(1)
    enc, dec, critic, clf = Encoder(3, 3), Decoder(3), Critic(), classifier_net()
    opt_e = torch.optim.Adam(enc.parameters(), lr=1e-2, betas=(0.5, 0.9))
    opt_g = torch.optim.Adam(dec.parameters(), lr=1e-2, betas=(0.5, 0.9))
    opt_d = torch.optim.Adam(critic.parameters(), lr=2e-4, betas=(0.5, 0.9))
    x = torch.rand(BATCH, 1, 28, 28)
    s = torch.full((BATCH,), 3, dtype=torch.long)

    def step(i):
        if i % 2 != 1:
            set_requires_grad(critic, True)
            set_requires_grad(enc, False)
            set_requires_grad(dec, False)
            opt_d.zero_grad()
            u = uniform_noise([BATCH, 3], enc.alpha)
            xr = dec(enc(x, u), u)
            loss = -critic(x).mean() + critic(xr).mean() + 10 * gradient_penalty(critic, x.data, xr.data)
            loss.backward()
            opt_d.step()
        else:
            set_requires_grad(critic, False)
            set_requires_grad(enc, True)
            set_requires_grad(dec, True)
            opt_e.zero_grad()
            opt_g.zero_grad()
            u = uniform_noise([BATCH, 3], enc.alpha)
            xr = dec(enc(x, u), u)
            second = -critic(xr).mean() if mode == "rdp" else F.cross_entropy(clf(xr), s)
            loss = F.mse_loss(x, xr) + lam * second
            loss.backward()
            opt_g.step()
            opt_e.step()

    return step, (enc, dec, critic, clf)


def train(mode, batches, warmup):
    step, models = make_step(mode)
    for i in range(warmup):
        step(i)
    t = time.perf_counter()
    for i in range(batches):
        step(warmup + i)
    return BATCH * batches / (time.perf_counter() - t), models


def eval_pass(models):
    """One evaluation batch as the reference evaluates: reconstruction, critic on x and x^, classifier on x^."""
    enc, dec, critic, clf = models
    for m in models:
        m.eval()
    x = torch.rand(EVAL_BATCH, 1, 28, 28)
    s = torch.full((EVAL_BATCH,), 3, dtype=torch.long)

    def one():
        u = uniform_noise([EVAL_BATCH, 3], enc.alpha)
        xr = dec(enc(x, u), u)
        return F.mse_loss(x, xr), critic(x).mean() - critic(xr).mean(), F.cross_entropy(clf(xr), s)

    return one


def evaluate(models, batches):
    one = eval_pass(models)
    with torch.no_grad():
        one()
        t = time.perf_counter()
        for _ in range(batches):
            one()
        return EVAL_BATCH * batches / (time.perf_counter() - t)


class FlopCount(TorchDispatchMode):
    """Multiply-adds x 2 of the convolutions and matrix products torch dispatches (forward, backward and
    the gradient penalty's double backward alike); elementwise work is not counted."""

    def __init__(self):
        super().__init__()
        self.flops = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        op = func.overloadpacket
        if op is torch.ops.aten.mm:
            self.flops += 2 * args[0].shape[0] * args[0].shape[1] * args[1].shape[1]
        elif op is torch.ops.aten.addmm:
            self.flops += 2 * args[1].shape[0] * args[1].shape[1] * args[2].shape[1]
        elif op is torch.ops.aten.bmm:
            self.flops += 2 * args[0].shape[0] * args[0].shape[1] * args[0].shape[2] * args[1].shape[2]
        elif op is torch.ops.aten.convolution:  # transposed: each input value meets every weight of its channel
            self.flops += 2 * (args[0] if args[6] else out).numel() * math.prod(args[1].shape[1:])
        elif op is torch.ops.aten.convolution_backward:  # grad_output, input, weight, ..., transposed = args[7], output_mask = args[10]
            macs = (args[1] if args[7] else args[0]).numel() * math.prod(args[2].shape[1:])
            self.flops += 2 * macs * (int(args[10][0]) + int(args[10][1]))
        return out


def flops_per_image():
    """MFLOP per image of each bench figure: the mean of a critic and a generator step; one evaluation pass."""
    figures = {}
    for mode in ("rdc", "rdp"):
        step, models = make_step(mode)
        per_step = []
        for i in (0, 1):
            with FlopCount() as c:
                step(i)
            per_step.append(c.flops / BATCH)
        figures[f"train {mode} (critic+generator)"] = sum(per_step) / 2 / 1e6
        if mode == "rdc":
            with torch.no_grad(), FlopCount() as c:
                eval_pass(models)()
            figures["evaluation rdc"] = c.flops / EVAL_BATCH / 1e6
    return figures


def best_convolution():
    """GFLOP/s of the critic's largest convolution (128->256, 5x5, stride 2) at batch 256: about the best any
    convolution of these models reaches on this CPU at the current thread count."""
    x, w = torch.rand(256, 128, 7, 7), torch.rand(256, 128, 5, 5)
    F.conv2d(x, w, stride=2, padding=2)
    reps, t = 10, time.perf_counter()
    for _ in range(reps):
        F.conv2d(x, w, stride=2, padding=2)
    return 2 * 256 * 256 * 4 * 4 * 128 * 25 * reps / (time.perf_counter() - t) / 1e9


def blas():
    """The BLAS library this process mapped (torch's Linear layers run on it)."""
    with open("/proc/self/maps") as f:
        libs = sorted({l.split()[-1] for l in f if "blas" in l.rsplit("/", 1)[-1] and l.split()[-1].startswith("/")})
    return libs


def line(what, threads, batch, ips):
    epoch = (TEST_IMAGES if what.startswith("evaluation") else TRAIN_IMAGES) / ips
    return f"{what:<30} {threads:7d} {batch:6d} {ips:10.1f} {epoch:10.1f}"


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=4)
    ap.add_argument("--threads", default=f"1,{os.cpu_count()}")
    a = ap.parse_args()
    print(f"PyTorch {torch.__version__}")
    torch.nn.Linear(2, 2)(torch.zeros(1, 2))  # loads the BLAS
    libs = blas()
    print("BLAS: " + (", ".join(libs) or "none mapped (torch's own)"))
    if any(os.path.realpath(l).endswith("/blas/libblas.so.3") for l in libs):
        print("WARNING: torch runs on the netlib reference BLAS, several times slower than an optimised one; "
              "this twin would flatter unirep (apt-get install libopenblas0-openmp)")
    print(f"{'what':<30} {'threads':>7} {'batch':>6} {'images/s':>10} {'s/epoch':>10}")
    for t in [int(v) for v in a.threads.split(",")]:
        torch.set_num_threads(t)
        for mode in ("rdc", "rdp"):
            ips, models = train(mode, a.batches, a.warmup)
            print(line(f"train {mode} (critic+generator)", t, BATCH, ips), flush=True)
            if mode == "rdc":
                print(line("evaluation rdc", t, EVAL_BATCH, evaluate(models, max(2, a.batches // 8))), flush=True)
        print(f"best convolution {t:7d} {best_convolution():10.1f} GFLOP/s", flush=True)
    for what, mflop in flops_per_image().items():
        print(f"flops {what:<30} {mflop:10.1f} MFLOP/image", flush=True)
