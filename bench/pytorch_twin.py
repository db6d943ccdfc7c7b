#!/usr/bin/env python3
"""PyTorch twin of `unirep bench`: the same RDC model (REFERENCE.md), same batch sizes, on the
same CPU, for a fair side-by-side. Needs Debian's python3-torch (run with /usr/bin/python3).

    /usr/bin/python3 bench/pytorch_twin.py [--steps 20]
"""
import argparse
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def block(i, o):
    return [nn.Linear(i, o), nn.BatchNorm1d(o), nn.LeakyReLU(0.01)]


class Quantizer(nn.Module):
    """L levels in [-1,1], dither u shared by both sides, hard forward, soft-to-hard backward."""

    def __init__(self, levels, sigma=1.0):
        super().__init__()
        self.register_buffer("centers", torch.linspace(-1, 1, levels))
        self.alpha = 2.0 / (levels - 1)
        self.sigma = sigma

    def forward(self, y):
        u = (torch.rand_like(y) - 0.5) * self.alpha
        x = (y + u).unsqueeze(-1)
        d = (x - self.centers).abs()
        soft = (F.softmax(-self.sigma * d, dim=-1) * self.centers).sum(-1)
        hard = self.centers[d.argmin(-1)]
        return soft + (hard - soft).detach() - u


class Model(nn.Module):
    def __init__(self, dim=3, levels=3):
        super().__init__()
        self.enc = nn.Sequential(*block(784, 512), *block(512, 256), *block(256, 128), *block(128, 128),
                                 nn.Linear(128, dim), nn.BatchNorm1d(dim), nn.Tanh())
        self.q = Quantizer(levels)
        self.dec_fc = nn.Sequential(*block(dim, 128), *block(128, 512))
        self.dec_conv = nn.Sequential(
            nn.ConvTranspose2d(32, 64, 5, 2), nn.BatchNorm2d(64), nn.LeakyReLU(0.01),
            nn.ConvTranspose2d(64, 128, 5, 2), nn.BatchNorm2d(128), nn.LeakyReLU(0.01),
            nn.ConvTranspose2d(128, 1, 4, 1), nn.Sigmoid())

    def forward(self, x):
        z = self.q(self.enc(x))
        return self.dec_conv(self.dec_fc(z).view(-1, 32, 4, 4))


classifier = nn.Sequential(nn.Conv2d(1, 10, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(10, 10, 5), nn.ReLU(),
                           nn.MaxPool2d(2), nn.Flatten(), nn.Linear(160, 100), nn.ReLU(), nn.Linear(100, 10))
for p in classifier.parameters():
    p.requires_grad_(False)


def bench(threads, steps):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    m = Model()
    opt = torch.optim.Adam(m.parameters(), lr=1e-2, betas=(0.5, 0.9))
    x = torch.rand(64, 784)
    s = torch.full((64,), 3, dtype=torch.long)

    def step():
        xh = m(x)
        loss = F.mse_loss(xh.view(64, -1), x) + 0.01 * F.cross_entropy(classifier(xh), s)
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(5):
        step()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    train = 64 * steps / (time.perf_counter() - t)
    m.eval()
    xe = torch.rand(500, 784)
    with torch.no_grad():
        classifier(m(xe))
        n = max(2, steps // 8)
        t = time.perf_counter()
        for _ in range(n):
            classifier(m(xe))
        ev = 500 * n / (time.perf_counter() - t)
    print(f"{'train step rdc (end-to-end)':<28} {threads:7d} {64:6d} {train:12.1f}")
    print(f"{'evaluation rdc':<28} {threads:7d} {500:6d} {ev:12.1f}")
    print(f"{'train step rdp (end-to-end)':<28} {threads:7d} {64:6d} {bench_rdp(max(3, steps // 3)):12.1f}")


def bench_rdp(steps):
    """One WGAN-GP critic step (gradient penalty 10, autograd double backward) + one generator step."""
    torch.manual_seed(1)
    m = Model()
    critic = nn.Sequential(nn.Conv2d(1, 64, 5, 2, 2), nn.LeakyReLU(0.01), nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.01),
                           nn.Conv2d(128, 256, 5, 2, 2), nn.LeakyReLU(0.01), nn.Flatten(), nn.Linear(4096, 1))
    opt_g = torch.optim.Adam(m.parameters(), lr=1e-2, betas=(0.5, 0.9))
    opt_c = torch.optim.Adam(critic.parameters(), lr=2e-4, betas=(0.5, 0.9))
    x = torch.rand(64, 784)
    x4 = x.view(64, 1, 28, 28)

    def step():
        xh = m(x)
        eps = torch.rand(64, 1, 1, 1)
        mixed = (eps * x4 + (1 - eps) * xh.detach()).requires_grad_(True)
        g, = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
        gp = ((g.flatten(1).norm(dim=1) - 1) ** 2).mean()
        loss_c = critic(xh.detach()).mean() - critic(x4).mean() + 10 * gp
        opt_c.zero_grad()
        loss_c.backward()
        opt_c.step()
        loss_g = F.mse_loss(xh.view(64, -1), x) - 0.01 * critic(xh).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()

    for _ in range(2):
        step()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    return 64 * steps / (time.perf_counter() - t)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--threads", default=f"1,{os.cpu_count()}")
    a = ap.parse_args()
    print(f"PyTorch {torch.__version__}")
    print(f"{'what':<28} {'threads':>7} {'batch':>6} {'images/s':>12}")
    for t in [int(v) for v in a.threads.split(",")]:
        bench(t, a.steps)
