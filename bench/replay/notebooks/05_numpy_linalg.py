# %% [markdown]
# # Least squares, eigenvalues and the SVD
# Everything draws from one seeded generator.

# %%
import numpy as np

np.set_printoptions(precision=6, suppress=True)
rng = np.random.default_rng(1234)
A = rng.normal(size=(6, 6))
b = rng.normal(size=6)
A.round(3)

# %%
x = np.linalg.solve(A, b)
print(x)
print("residual:", float(np.abs(A @ x - b).max()) < 1e-10)

# %%
S = A @ A.T
w, V = np.linalg.eigh(S)
w

# %%
print("orthonormal:", np.allclose(V.T @ V, np.eye(6)))
print("condition number:", round(np.linalg.cond(A), 4))

# %%
U, s, Vt = np.linalg.svd(A)
s

# %%
rank2 = (U[:, :2] * s[:2]) @ Vt[:2]
print("rank-2 error (Frobenius):", round(float(np.linalg.norm(A - rank2)), 6))

# %% [markdown]
# Fit a noisy line by least squares.

# %%
t = np.linspace(0, 10, 200)
y = 1.5 * t - 2.0 + rng.normal(0, 0.8, t.size)
design = np.column_stack([t, np.ones_like(t)])
coef, residuals, rank, _ = np.linalg.lstsq(design, y, rcond=None)
print("slope, intercept:", coef.round(4), "rank", rank)

# %%
M = rng.integers(-5, 6, size=(4, 4)).astype(float)
print(M)
print("det:", round(np.linalg.det(M), 6))
print(np.linalg.inv(M).round(4))

# %%
samples = rng.multivariate_normal([0, 0], [[2.0, 0.8], [0.8, 1.0]], size=5000)
np.cov(samples.T).round(3)
