# Reference for the "independent numpy run" test in test/unit/snn-loihi.test.ts: Loihi CUBA
# dynamics in numpy with the dtypes and operations of Lava's fixed-point LIF model (lava-nc/lava,
# src/lava/proc/lif/models.py, AbstractPyLifModelFixed.subthr_dynamics / scale_bias,
# PyLifModelBitAcc.scale_threshold): int32 state, int64 products, sign * right_shift(abs),
# one-shot wrap of u, clip of v. Written from those formulas, not copied. Run: python3 scripts/exp-snn-loihi-golden.py
import numpy as np
x = 12345
def lcg():
    global x
    x = (x * 1103515245 + 12345) & 0x7fffffff
    return x
N, T = 16, 300
du = np.array([(lcg() >> 16) % (64 if k % 2 == 0 else 4096) for k in range(N)]); dv = np.array([(lcg() >> 16) % 4096 for _ in range(N)])
vth = np.array([(lcg() >> 8) % 131072 for _ in range(N)]); bm = np.array([(lcg() >> 16) % 8192 - 4096 for _ in range(N)])
be = np.array([(lcg() >> 16) % 8 for _ in range(N)])
a = np.zeros((T, N), np.int32)
for t in range(T):
    for k in range(N):
        r = lcg()
        a[t, k] = (r >> 8) % 65536 - 32768 if (r >> 16) % 4 == 0 else 0
u = np.zeros(N, np.int32); v = np.zeros(N, np.int32); cnt = np.zeros(N, int); M = 2**23
wraps = 0; sat = 0
for t in range(T):
    p = np.int64(u) * (4096 - (du + 1)); p = np.int32(np.sign(p) * np.right_shift(np.abs(p), 12))
    p = p + np.left_shift(a[t], 6)
    w = np.where(p > M, p - 2*M, p); w = np.where(w <= -M, p + 2*M, w); wraps += int((w != p).sum()); u[:] = w
    q = np.int64(v) * (4096 - dv); q = np.int32(np.sign(q) * np.right_shift(np.abs(q), 12))
    nv = q + u + np.left_shift(bm.astype(np.int32), be); sat += int((np.abs(nv) > M - 1).sum())
    v[:] = np.clip(nv, -M + 1, M - 1)
    s = v > np.left_shift(vth, 6); v[s] = 0; cnt += s
print('u', u.tolist()); print('v', v.tolist()); print('spikes', cnt.tolist()); print('wraps', wraps, 'sat', sat)
print('params', du.tolist(), dv.tolist(), vth.tolist(), bm.tolist(), be.tolist())
