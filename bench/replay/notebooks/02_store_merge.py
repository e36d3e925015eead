# %% [markdown]
# # Stores: revenue per square foot
# Joins the sales export with the store register and checks what does not match.

# %%
import numpy as np
import pandas as pd

sales = pd.read_csv("data/sales.csv", parse_dates=["date"], dayfirst=True)
stores = pd.read_csv("data/stores.csv", parse_dates=["opened"])
print(sales.shape, stores.shape)

# %%
joined = sales.merge(stores, on="store_id", how="outer", indicator=True)
joined["_merge"].value_counts()

# %%
orphans = joined.loc[joined["_merge"] == "left_only", "store_id"].unique()
print("sales rows naming no store:", list(orphans))

# %%
matched = joined[joined["_merge"] == "both"].copy()
matched["revenue"] = matched["units"] * matched["unit_price"]
per_store = matched.groupby(["store_id", "city", "sqft"], as_index=False)["revenue"].sum()
per_store["per_sqft"] = (per_store["revenue"] / per_store["sqft"]).round(3)
per_store.sort_values("per_sqft", ascending=False).head(8)

# %%
as_of = pd.Timestamp("2026-01-01")
stores["age_years"] = ((as_of - stores["opened"]).dt.days / 365.25).round(2)
per_store = per_store.merge(stores[["store_id", "age_years"]], on="store_id")
print("correlation of age with revenue per sqft:", round(per_store["age_years"].corr(per_store["per_sqft"]), 4))

# %% tags=["again-at-end"]
city = per_store.groupby("city").agg(stores=("store_id", "count"), revenue=("revenue", "sum"), mean_per_sqft=("per_sqft", "mean"))
city.round(2).sort_values("revenue", ascending=False)

# %%
buckets = pd.cut(per_store["age_years"], bins=[0, 3, 6, 9, 12], labels=["<3", "3-6", "6-9", "9-12"])
per_store.groupby(buckets, observed=True)["per_sqft"].describe().round(3)

# %%
rank = per_store.set_index("store_id")["per_sqft"].rank(ascending=False).astype(int)
print(np.array2string(rank.sort_index().to_numpy(), max_line_width=100))
