# %% [markdown]
# # Customer segments from spending
# k-means on synthetic blobs first, then on the customer table.

# %%
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler

X, truth = make_blobs(n_samples=600, centers=4, cluster_std=1.2, random_state=8)
X[:3].round(4)

# %% tags=["rerun"]
inertia = {}
for k in range(2, 8):
    km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X)
    inertia[k] = round(km.inertia_, 2)
inertia

# %%
km = KMeans(n_clusters=4, n_init=10, random_state=0).fit(X)
print("silhouette", round(silhouette_score(X, km.labels_), 4))
print("ARI against the truth", round(adjusted_rand_score(truth, km.labels_), 4))

# %%
customers = pd.read_parquet("data/customers.parquet", columns=["age", "tenure_months", "monthly_spend", "support_calls"])
scaled = StandardScaler().fit_transform(customers)
segments = KMeans(n_clusters=3, n_init=10, random_state=4).fit_predict(scaled)
customers.groupby(segments).mean().round(2)

# %%
pca = PCA(n_components=2, random_state=0)
projected = pca.fit_transform(scaled)
print("explained variance ratio:", pca.explained_variance_ratio_.round(4))
pd.DataFrame(pca.components_, columns=customers.columns, index=["pc1", "pc2"]).round(3)

# %%
pd.crosstab(segments, pd.cut(customers["tenure_months"], [0, 12, 36, 72]))
