# %% [markdown]
# # Item-to-item recommendations
# Ratings in `data/ratings.parquet`, cosine similarity with numpy.

# %%
import numpy as np
import pandas as pd

ratings = pd.read_parquet("data/ratings.parquet")
print(ratings.shape, ratings["user"].nunique(), ratings["item"].nunique())
ratings["rating"].value_counts().sort_index()

# %%
matrix = ratings.pivot_table(index="user", columns="item", values="rating")
print(f"filled: {matrix.notna().mean().mean():.3%}")
centered = matrix.sub(matrix.mean(axis=1), axis=0).fillna(0)

# %%
values = centered.to_numpy()
norms = np.linalg.norm(values, axis=0)
norms[norms == 0] = 1
similarity = pd.DataFrame(values.T @ values / np.outer(norms, norms), index=matrix.columns, columns=matrix.columns)
similarity.iloc[:5, :5].round(3)

# %%
def similar(item, n=3):
    return similarity[item].drop(item).nlargest(n).round(3)

similar("item-07")

# %% tags=["again-at-end"]
def recommend(user, n=5):
    seen = matrix.loc[user].dropna()
    scores = similarity[seen.index].mul(seen - seen.mean(), axis=1).sum(axis=1)
    return scores.drop(seen.index).nlargest(n).round(3)

recommend("u017")

# %%
popular = ratings.groupby("item")["rating"].agg(["count", "mean"]).query("count >= 40").sort_values("mean", ascending=False)
popular.head().round(3)

# %%
train = ratings.sample(frac=0.8, random_state=21)
test = ratings.drop(train.index)
baseline = train.groupby("item")["rating"].mean()
predicted = test["item"].map(baseline).fillna(train["rating"].mean())
print("baseline RMSE:", round(float(np.sqrt(((predicted - test["rating"]) ** 2).mean())), 4))
