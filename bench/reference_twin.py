#!/usr/bin/env python3
"""The reference training loop in PyTorch, for checking the Java port against it.

Mirrors zhanggq96/uRDP (train.py: train_base and train_reduced, models.py, utils.py) and its RDC fork
NamNguyenResearch/AI-535-Deep-Learning (train.py, CNN_MNIST.py) on the MNIST setup of REFERENCE.md:
the same models (module names follow the Java graph's layer names), the same loop (minibatch i of
an epoch is a critic step when i is even, a generator step when odd; a fresh dither per forward pass;
BatchNorm in training mode everywhere but the evaluation, so running statistics move in critic steps
too), the lambda = 0 anneal of end-to-end runs, the lr factor per epoch, universal decoders on a
frozen training-mode encoder with the base critic's weights and a new Adam, per-epoch evaluation
(eval mode, size-weighted means of MSE, W1, CE, accuracy) that restores training mode, and the
frozen classifier trained by CNN_MNIST.py's recipe (plain SGD lr 0.01, batch 100, 10 epochs, seed 1).

Needs Debian's python3-torch (1.13; the reference pinned 1.3) and numpy. Two commands:

  /usr/bin/python3 bench/reference_twin.py golden [--data DIR] [--out DIR]
      writes the golden files that TwinGoldenTest replays step for step (default out:
      common/src/test/resources/golden/twin): per case the initial parameters (drawn by a
      counter-based generator both sides implement, so only their sums are stored), the minibatches
      (indices into the MNIST training set), every step's dither and mixing weights and losses, each
      epoch's test dither and metrics, and at the end every parameter, BatchNorm running statistic and
      Adam moment (norm, sum and 256 evenly spaced values per tensor; running statistics whole).

  /usr/bin/python3 bench/reference_twin.py epochs --mode rdp|rdc --lam L [--universal-on LAMBDA_BASE]
      [--seeds 1,2,3] [--epochs 1] [--data DIR] [--classifier FILE] [--out FILE]
      trains and evaluates whole epochs on full MNIST as the reference does (the statistical
      comparison of docs/fidelity.md), one JSON line per seed.
"""
import argparse
import base64
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "mnist"))
DEFAULT_GOLDEN = os.path.normpath(os.path.join(HERE, "..", "common", "src", "test", "resources", "golden", "twin"))
BATCH, EVAL_BATCH, LR, CRITIC_LR, BETAS, GP_WEIGHT = 64, 500, 1e-2, 2e-4, (0.5, 0.9), 10.0
SAMPLE = 256  # values kept per tensor in golden files


# ---------------------------------------------------------------- data

def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_mnist(root):
    def images(name):
        return torch.from_numpy(read_idx(os.path.join(root, name)).astype(np.float32) / np.float32(255.0)).view(-1, 1, 28, 28)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(root, name)).astype(np.int64))

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


# ---------------------------------------------------------------- models (reference architecture)

def generate_centers(levels, limits=(-1.0, 1.0)):
    """uRDP utils.generate_centers: python floats, so L = 4 may differ from torch.linspace by 1 ulp."""
    lower, upper = limits
    return [lower + l / (levels - 1) * (upper - lower) for l in range(levels)]


class Quantizer(nn.Module):
    """uRDP models.Quantizer: forward the nearest centre, backward through sum(c * softmax(-sigma |x - c|))."""

    def __init__(self, centers, sigma=1.0):
        super().__init__()
        self.centers, self.sigma = centers, sigma

    def forward(self, x):
        centers = x.data.new(self.centers)
        size = list(x.size())
        x = x.view(*(size + [1]))
        dist = torch.abs(x - centers)
        output = torch.sum(centers * F.softmax(-self.sigma * dist, dim=-1), dim=-1)
        _, symbols = torch.min(dist.data, dim=-1, keepdim=True)
        quant = centers.expand(*(size + [len(self.centers)])).gather(-1, symbols.long()).squeeze_(dim=-1)
        output.data = quant
        return output


class Encoder(nn.Module):
    WIDTHS = (512, 256, 128, 128)

    def __init__(self, dim, levels):
        super().__init__()
        sizes = (784,) + self.WIDTHS
        for i, w in enumerate(self.WIDTHS):
            setattr(self, f"enc{i + 1}", nn.Linear(sizes[i], w))
            setattr(self, f"enc{i + 1}_bn", nn.BatchNorm1d(w))
        self.latent, self.latent_bn = nn.Linear(self.WIDTHS[-1], dim), nn.BatchNorm1d(dim)
        self.q = Quantizer(generate_centers(levels))
        self.alpha = 2.0 / (levels - 1)
        self.dim = dim

    def forward(self, x, u):
        h = x.view(-1, 784)
        for i in range(len(self.WIDTHS)):
            h = F.leaky_relu(getattr(self, f"enc{i + 1}_bn")(getattr(self, f"enc{i + 1}")(h)))
        return self.q(torch.tanh(self.latent_bn(self.latent(h))) + u)


class Decoder(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dec1, self.dec1_bn = nn.Linear(dim, 128), nn.BatchNorm1d(128)
        self.dec2, self.dec2_bn = nn.Linear(128, 512), nn.BatchNorm1d(512)
        self.dec3, self.dec3_bn = nn.ConvTranspose2d(32, 64, 5, 2), nn.BatchNorm2d(64)
        self.dec4, self.dec4_bn = nn.ConvTranspose2d(64, 128, 5, 2), nn.BatchNorm2d(128)
        self.dec5 = nn.ConvTranspose2d(128, 1, 4, 1)

    def forward(self, z, u):
        h = F.leaky_relu(self.dec1_bn(self.dec1(z - u)))
        h = F.leaky_relu(self.dec2_bn(self.dec2(h))).view(-1, 32, 4, 4)
        h = F.leaky_relu(self.dec3_bn(self.dec3(h)))
        h = F.leaky_relu(self.dec4_bn(self.dec4(h)))
        return torch.sigmoid(self.dec5(h))


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2, self.conv3 = nn.Conv2d(1, 64, 5, 2, 2), nn.Conv2d(64, 128, 5, 2, 2), nn.Conv2d(128, 256, 5, 2, 2)
        self.fc = nn.Linear(4096, 1)

    def forward(self, x):
        h = F.leaky_relu(self.conv3(F.leaky_relu(self.conv2(F.leaky_relu(self.conv1(x))))))
        return self.fc(h.view(-1, 4096))


class Classifier(nn.Module):
    """CNN_MNIST.Net."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 10, 5, 1), nn.Conv2d(10, 10, 5, 1)
        self.fc1, self.fc2 = nn.Linear(160, 100), nn.Linear(100, 10)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2, 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2, 2)
        return self.fc2(F.relu(self.fc1(h.view(-1, 160))))


def set_requires_grad(module, flag):  # uRDP utils.free_params / frozen_params
    for p in module.parameters():
        p.requires_grad = flag


def lr_factor(epoch):  # uRDP train._lr_factor, MNIST
    return 1 if epoch < 20 else 1 / 5 if epoch < 40 else 1 / 50


def lambda_anneal(epoch, start=0.0005, end_epoch=12):  # uRDP train.compute_lambda_anneal
    e = min(epoch, end_epoch)
    return start * (end_epoch - e) / end_epoch


# ---------------------------------------------------------------- deterministic initial parameters

MASK = (1 << 64) - 1


def fnv1a(text):
    h = 0xCBF29CE484222325
    for b in text.encode():
        h = ((h ^ b) * 0x100000001B3) & MASK
    return h


def det_uniform(seed, name, n, bound):
    """U(-bound, bound) as float32, value k = SplitMix64(state + (k + 1) * gamma), state = seed ^ fnv1a(name).
    TwinGoldenTest draws the same values (Java's long arithmetic wraps as numpy's uint64 does)."""
    with np.errstate(over="ignore"):
        state = np.uint64((seed ^ fnv1a(name)) & MASK)
        z = state + (np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)
    return ((2.0 * u - 1.0) * bound).astype(np.float32)


def fan_in(module, name):
    w = module.weight
    if isinstance(module, nn.ConvTranspose2d):  # PyTorch reads fan_in from weight.size(1): out * k * k
        return w.shape[1] * w.shape[2] * w.shape[3]
    return int(np.prod(w.shape[1:]))


def det_init(model, prefix, seed):
    """PyTorch's default bounds (1/sqrt(fan_in) for weights and biases), drawn by det_uniform; BatchNorm 1, 0."""
    record = {}
    for mname, m in model.named_modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            bound = 1.0 / np.sqrt(fan_in(m, mname))
            for pname in ("weight", "bias"):
                key = f"{prefix}{mname}.{pname}"
                p = getattr(m, pname)
                v = det_uniform(seed, key, p.numel(), bound)
                with torch.no_grad():
                    p.copy_(torch.from_numpy(v).view(p.shape))
                record[key] = {"shape": list(p.shape), "bound": float(bound), "sum": float(np.sum(v, dtype=np.float64))}
    return record


# ---------------------------------------------------------------- golden-file encoding

def b64(a):
    return base64.b64encode(np.ascontiguousarray(np.asarray(a, dtype="<f4")).tobytes()).decode()


def summary(t):
    """Norm, sum and SAMPLE values at indices k * n // SAMPLE of a tensor flattened in PyTorch's layout."""
    v = t.detach().reshape(-1).double().numpy()
    n = v.size
    s = min(n, SAMPLE)
    idx = (np.arange(s, dtype=np.int64) * n) // s
    return {"n": int(n), "norm": float(np.linalg.norm(v)), "sum": float(v.sum()), "sample": b64(v[idx])}


# ---------------------------------------------------------------- the loop

class Run:
    """One model's training as the reference runs it: an end-to-end model (train_base) or a universal
    decoder on a base model's frozen encoder (train_reduced)."""

    def __init__(self, mode, lam, dim=3, levels=3, base=None, classifier=None):
        self.mode, self.lam, self.classifier = mode, lam, classifier
        self.universal = base is not None
        if self.universal:
            self.enc = base.enc  # frozen_params(encoder1), left in training mode
            set_requires_grad(self.enc, False)
            self.enc.train()
            self.critic = Critic()
            self.critic.load_state_dict(base.critic.state_dict())  # initialize_base_discriminator = 1
        else:
            self.enc, self.critic = Encoder(dim, levels), Critic()
        self.dec = Decoder(dim)
        self.opt_e = None if self.universal else torch.optim.Adam(self.enc.parameters(), lr=LR, betas=BETAS)
        self.opt_g = torch.optim.Adam(self.dec.parameters(), lr=LR, betas=BETAS)
        self.opt_d = torch.optim.Adam(self.critic.parameters(), lr=CRITIC_LR, betas=BETAS)  # a fresh Adam either way
        self.optimizers = [o for o in (self.opt_e, self.opt_g, self.opt_d) if o is not None]
        self.base_lrs = [[g["lr"] for g in o.param_groups] for o in self.optimizers]

    def begin_epoch(self, epoch):
        """LambdaLR(lr_factor) as stepped once per epoch, and the epoch's lambda."""
        for o, lrs in zip(self.optimizers, self.base_lrs):
            for g, lr in zip(o.param_groups, lrs):
                g["lr"] = lr * lr_factor(epoch)
        self.lam_e = lambda_anneal(epoch) if (self.lam == 0 and not self.universal) else self.lam

    def dither(self, n, draw=None):
        return torch.rand(n, self.enc.dim) * self.enc.alpha - self.enc.alpha / 2 if draw is None else draw

    def critic_step(self, x, u, mixing):
        set_requires_grad(self.critic, True)
        if not self.universal:
            set_requires_grad(self.enc, False)
        set_requires_grad(self.dec, False)
        self.opt_d.zero_grad()
        x_recon = self.dec(self.enc(x, u), u)
        loss = -torch.mean(self.critic(x)) + torch.mean(self.critic(x_recon)) \
            + GP_WEIGHT * self.gradient_penalty(x.data, x_recon.data, mixing)
        loss.backward()
        self.opt_d.step()
        return loss.item()

    def gradient_penalty(self, real, fake, a):
        mixed = (a * real + ((1 - a) * fake)).requires_grad_(True)
        d = self.critic(mixed)
        g = torch.autograd.grad(outputs=d, inputs=mixed, grad_outputs=torch.ones(real.shape[0], 1),
                                create_graph=True, retain_graph=True, only_inputs=True)[0]
        return ((g.view(g.size(0), -1).norm(2, dim=1) - 1) ** 2).mean()

    def generator_step(self, x, y, u):
        set_requires_grad(self.critic, False)
        if not self.universal:
            set_requires_grad(self.enc, True)
        set_requires_grad(self.dec, True)
        for o in self.optimizers[:-1]:
            o.zero_grad()
        x_recon = self.dec(self.enc(x, u), u)
        if self.mode == "rdp":
            second = -torch.mean(self.critic(x_recon))
        else:
            second = F.cross_entropy(self.classifier(x_recon), y)
        loss = F.mse_loss(x, x_recon) + self.lam_e * second
        loss.backward()
        for o in self.optimizers[:-1][::-1]:  # optimizer_G.step(); optimizer_E.step()
            o.step()
        return loss.item()

    def evaluate(self, x, y, dithers=None):
        """train.py's per-epoch test pass: eval mode, no grad, size-weighted means; back to training mode."""
        for m in (self.enc, self.dec, self.critic):
            m.eval()
        n, sums, drawn = x.shape[0], np.zeros(4), []
        with torch.no_grad():
            for b, start in enumerate(range(0, n, EVAL_BATCH)):
                xb, yb = x[start:start + EVAL_BATCH], y[start:start + EVAL_BATCH]
                u = self.dither(xb.shape[0], None if dithers is None else dithers[b])
                drawn.append(u)
                xr = self.dec(self.enc(xb, u), u)
                logits = self.classifier(xr)
                m = xb.shape[0]
                sums += m * np.array([F.mse_loss(xb, xr).item(), (self.critic(xb).mean() - self.critic(xr).mean()).item(),
                                      F.cross_entropy(logits, yb).item(), (logits.argmax(1) == yb).float().mean().item()])
        for m in (self.enc, self.dec, self.critic):
            m.train()
        mse, w1, ce, acc = sums / n
        return {"mse": mse, "w1": w1, "ce": ce, "acc": acc}, drawn


def train_classifier(x, y, seed=1, epochs=10, batch=100, lr=0.01, log=True):
    """CNN_MNIST.classifier(): set_seed(1), Net, plain SGD lr 0.01, CrossEntropyLoss, shuffled batches of 100, 10 epochs."""
    torch.manual_seed(seed)
    np.random.seed(seed)
    net = Classifier()
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    for epoch in range(epochs):
        for idx in torch.randperm(x.shape[0]).split(batch):
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if log:
            print(f"classifier epoch {epoch + 1}/{epochs}: last batch loss {loss.item():.4f}", file=sys.stderr, flush=True)
    net.eval()
    set_requires_grad(net, False)
    return net


def load_classifier(path):
    """The classifier a golden run trained (classifier.json), frozen."""
    clf = Classifier()
    with open(path) as f:
        params = json.load(f)["params"]
    with torch.no_grad():
        for k, v in params.items():
            l, p = k.split(".")
            getattr(getattr(clf, l), p).copy_(torch.from_numpy(np.frombuffer(base64.b64decode(v["values"]), "<f4").copy()).view(v["shape"]))
    clf.eval()
    set_requires_grad(clf, False)
    return clf


def accuracy(net, x, y):
    with torch.no_grad():
        return float((torch.cat([net(x[i:i + 1000]).argmax(1) for i in range(0, x.shape[0], 1000)]) == y).float().mean())


# ---------------------------------------------------------------- golden files

CLASSIFIER_LAYERS = ("conv1", "conv2", "fc1", "fc2")


def state_tensors(run):
    """Every parameter and running statistic of a run, by the Java graph's names (critic under 'critic.')."""
    out = {}
    for prefix, module in (("", run.enc), ("", run.dec), ("critic.", run.critic)):
        for name, t in list(module.named_parameters()) + list(module.named_buffers()):
            if name.endswith("num_batches_tracked"):
                continue
            out[prefix + name] = t
    return out


def adam_moments(run):
    moments = {}
    for prefix, module, opt in (("", run.enc, run.opt_e), ("", run.dec, run.opt_g), ("critic.", run.critic, run.opt_d)):
        if opt is None:
            continue
        for name, p in module.named_parameters():
            st = opt.state.get(p)
            if st:
                moments[prefix + name] = {"m": summary(st["exp_avg"]), "v": summary(st["exp_avg_sq"]), "step": int(st["step"])}
    return moments


def golden_case(name, run, data, train_idx, start_epoch, epochs, test_n, init):
    """Trains run on the subset train_idx for epochs [start_epoch, start_epoch + epochs), drawing and
    recording every random input, and returns the case's golden record."""
    xtr, ytr, xte, yte = data
    record = {"case": name, "mode": run.mode, "universal": run.universal, "lambda": run.lam, "dim": run.enc.dim,
              "levels": len(run.enc.q.centers), "start_epoch": start_epoch, "epochs": [], "test_images": test_n, "init": init}
    for epoch in range(start_epoch, start_epoch + epochs):
        run.begin_epoch(epoch)
        order = train_idx[torch.randperm(len(train_idx))]  # DataLoader(shuffle=True) over the subset
        steps = []
        for i, start in enumerate(range(0, len(order), BATCH)):
            idx = order[start:start + BATCH]
            x, y = xtr[idx], ytr[idx]
            u = run.dither(x.shape[0])
            if i % 2 != 1:
                a = torch.FloatTensor(np.random.random((x.shape[0], 1, 1, 1)))
                loss = run.critic_step(x, u, a)
                steps.append({"kind": "critic", "u": b64(u), "eps": b64(a), "loss": loss})
            else:
                loss = run.generator_step(x, y, u)
                steps.append({"kind": "generator", "u": b64(u), "loss": loss})
            if epoch == start_epoch and i < 2:  # one step of each kind, before float32's chaos sets in: checked tightly
                record.setdefault("after_step", []).append(snapshot(run))
        metrics, dithers = run.evaluate(xte[:test_n], yte[:test_n])
        record["epochs"].append({"epoch": epoch, "lambda": run.lam_e, "lr_factor": lr_factor(epoch), "order": order.tolist(),
                                 "steps": steps, "eval": dict(metrics, dither=[b64(d) for d in dithers])})
    record.update(snapshot(run))
    return record


def snapshot(run):
    """Every parameter (summarised), running statistic (whole) and Adam moment (summarised) of a run."""
    tensors = state_tensors(run)
    return {"final": {k: (summary(v) if "running" not in k else {"values": b64(v.detach().numpy())}) for k, v in tensors.items()},
            "adam": adam_moments(run)}


def write_golden(args):
    torch.set_num_threads(args.threads)  # 1 by default: the reductions' order, and so the golden numbers, do not depend on the machine's cores
    data = load_mnist(args.data)
    xtr, ytr, xte, yte = data
    os.makedirs(args.out, exist_ok=True)

    t = time.time()
    existing = os.path.join(args.out, "classifier.json")
    clf = load_classifier(existing) if args.reuse_classifier and os.path.exists(existing) else train_classifier(xtr, ytr)
    clf_acc = accuracy(clf, xte, yte)
    print(f"classifier: test accuracy {clf_acc:.4f} ({time.time() - t:.0f} s)", file=sys.stderr)
    with open(os.path.join(args.out, "classifier.json"), "w") as f:
        json.dump({"recipe": "CNN_MNIST.py: SGD lr 0.01, batch 100, 10 epochs, seed 1", "torch": torch.__version__,
                   "test_accuracy": clf_acc,
                   "params": {f"{l}.{p}": {"shape": list(getattr(getattr(clf, l), p).shape), "values": b64(getattr(getattr(clf, l), p).detach())}
                              for l in CLASSIFIER_LAYERS for p in ("weight", "bias")}}, f, indent=1)

    # The classifier's training step: ten SGD steps of batch 100 from deterministic weights.
    torch.manual_seed(5)
    net = Classifier()
    init = det_init(net, "clf.", 5)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    batches, losses = [], []
    for _ in range(10):
        idx = torch.randperm(xtr.shape[0])[:100]
        loss = F.cross_entropy(net(xtr[idx]), ytr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        batches.append(idx.tolist())
        losses.append(loss.item())
    with open(os.path.join(args.out, "classifier-steps.json"), "w") as f:
        json.dump({"init_seed": 5, "init": init, "batches": batches, "losses": losses,
                   "final": {f"{l}.{p}": b64(getattr(getattr(net, l), p).detach()) for l in CLASSIFIER_LAYERS for p in ("weight", "bias")}}, f, indent=1)

    # The compression cases: 120 training images (a critic step on 64, a generator step on the last 56) for 2
    # epochs, 1,100 test images (500, 500, 100). Few steps on purpose: the reference loop is chaotic in float32
    # (Adam turns the rounding noise of near-zero gradients, e.g. of the biases before BatchNorm, into steps of
    # ~lr), so two runs that differ only in summation order drift apart by ~1e-3 within 8 steps.
    torch.manual_seed(1)
    np.random.seed(1)
    train_idx = torch.randperm(xtr.shape[0])[:120]
    test_n = 1100
    cases = []

    def new_run(mode, lam, seed, base=None):
        run = Run(mode, lam, base=base, classifier=clf)
        init = det_init(run.dec, "", seed)
        if base is None:
            init.update(det_init(run.enc, "", seed))
            init.update(det_init(run.critic, "critic.", seed))
        return run, init

    rdp, init = new_run("rdp", 0.015, 11)
    cases.append(dict(golden_case("rdp-e2e", rdp, data, train_idx, 0, 2, test_n, init), init_seed=11))
    rdc, init = new_run("rdc", 0.015, 13)
    cases.append(dict(golden_case("rdc-e2e", rdc, data, train_idx, 0, 2, test_n, init), init_seed=13))
    # A universal decoder's base: an end-to-end model after one epoch (a critic and a generator step), whose
    # state both sides still share closely; the universal case then trains 2 epochs on its frozen encoder.
    for mode, lam, seed in (("rdp", 0.005, 12), ("rdc", 0.0, 14)):
        base, init = new_run(mode, 0.015, seed + 10)
        cases.append(dict(golden_case(f"{mode}-base", base, data, train_idx, 0, 1, test_n, init), init_seed=seed + 10))
        uni, init = new_run(mode, lam, seed, base=base)
        cases.append(dict(golden_case(f"{mode}-universal", uni, data, train_idx, 0, 2, test_n, init), base=f"{mode}-base", init_seed=seed))
    anneal, init = new_run("rdc", 0.0, 15)
    cases.append(dict(golden_case("rdc-e2e-anneal", anneal, data, train_idx, 0, 2, test_n, init), init_seed=15))
    lr, init = new_run("rdp", 0.01, 16)
    cases.append(dict(golden_case("rdp-e2e-lr-boundary", lr, data, train_idx, 19, 2, test_n, init), init_seed=16))
    for c in cases:
        with open(os.path.join(args.out, c["case"] + ".json"), "w") as f:
            json.dump(c, f, indent=1)  # one value a line: a change in the numbers shows in review
        last = c["epochs"][-1]
        print(f"{c['case']}: losses {[round(s['loss'], 5) for s in last['steps']]}, eval {({k: round(v, 5) for k, v in last['eval'].items() if k != 'dither'})}",
              file=sys.stderr)
    with open("/proc/self/maps") as maps:
        blas = sorted({l.split()[-1] for l in maps if "blas" in l.rsplit("/", 1)[-1] and l.split()[-1].startswith("/")})
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(f"Golden files of the PyTorch twin (bench/reference_twin.py, torch {torch.__version__}, {args.threads} thread(s), BLAS "
                f"{', '.join(blas) or 'none mapped'}), replayed step for step by\n"
                "TwinGoldenTest. Regenerate with `/usr/bin/python3 bench/reference_twin.py golden` (needs python3-torch and\n"
                "../shared/data/mnist); the changed numbers then show in review. Another BLAS or thread count moves them at the\n"
                "level TwinGoldenTest allows for (float32 chaos). Arrays are little-endian float32 in base64.\n")


# ---------------------------------------------------------------- whole epochs (statistical comparison)

def run_epochs(args):
    torch.set_num_threads(args.threads)
    xtr, ytr, xte, yte = load_mnist(args.data)
    clf = load_classifier(args.classifier) if args.classifier and os.path.exists(args.classifier) else train_classifier(xtr, ytr)
    out = open(args.out, "a") if args.out else sys.stdout
    for seed in [int(s) for s in args.seeds.split(",")]:
        torch.manual_seed(seed)
        np.random.seed(seed)
        t = time.time()

        def train(run):
            history = []
            for epoch in range(args.epochs):
                run.begin_epoch(epoch)
                order = torch.randperm(xtr.shape[0])
                for i, start in enumerate(range(0, xtr.shape[0], BATCH)):
                    idx = order[start:start + BATCH]
                    x, y = xtr[idx], ytr[idx]
                    u = run.dither(x.shape[0])
                    if i % 2 != 1:
                        run.critic_step(x, u, torch.FloatTensor(np.random.random((x.shape[0], 1, 1, 1))))
                    else:
                        run.generator_step(x, y, u)
                history.append(run.evaluate(xte, yte)[0])
            return history[-1]

        def report(m, kind, lam, encoder_lambda):
            print(json.dumps(dict(m, tool="twin", mode=args.mode, kind=kind, lam=lam, encoder_lambda=encoder_lambda, seed=seed,
                                  epochs=args.epochs, seconds=round(time.time() - t, 1))), file=out, flush=True)

        if args.universal_on is not None:  # the base model is reported too: the universal penalty compares the two
            base = Run(args.mode, args.universal_on, classifier=clf)
            report(train(base), "end_to_end", args.universal_on, args.universal_on)
            t = time.time()
            report(train(Run(args.mode, args.lam, base=base, classifier=clf)), "universal", args.lam, args.universal_on)
        else:
            report(train(Run(args.mode, args.lam, classifier=clf)), "end_to_end", args.lam, args.lam)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("golden")
    g.add_argument("--data", default=DEFAULT_DATA)
    g.add_argument("--out", default=DEFAULT_GOLDEN)
    e = sub.add_parser("epochs")
    e.add_argument("--data", default=DEFAULT_DATA)
    e.add_argument("--mode", choices=("rdp", "rdc"), required=True)
    e.add_argument("--lam", type=float, required=True)
    e.add_argument("--universal-on", type=float, default=None, help="train a universal decoder on the encoder of an end-to-end model at this lambda")
    e.add_argument("--seeds", default="1,2,3")
    e.add_argument("--epochs", type=int, default=1)
    e.add_argument("--threads", type=int, default=1)
    e.add_argument("--classifier", default=os.path.join(DEFAULT_GOLDEN, "classifier.json"))
    e.add_argument("--out", default=None)
    g.add_argument("--threads", type=int, default=1, help="torch threads (other values change the summation order: how far that moves the numbers is what the tolerances allow for)")
    g.add_argument("--reuse-classifier", action="store_true", help="take the classifier of an earlier golden run (out/classifier.json) instead of training it again")
    a = ap.parse_args()
    write_golden(a) if a.command == "golden" else run_epochs(a)
