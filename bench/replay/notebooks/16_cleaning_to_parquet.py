# %% [markdown]
# # Cleaning the sales export
# Reads the raw CSV, fixes types and writes a clean Parquet file that the
# rest of this notebook reads back (a file written here is not an input).

# %%
import os

import pandas as pd

raw = pd.read_csv("data/sales.csv", dtype={"store_id": "int64", "product": "string"})
raw.info()

# %% tags=["error"]
# The first try: the dates are day-first, so the default parse fails.
pd.to_datetime(raw["date"], format="%Y-%m-%d")

# %%
raw["date"] = pd.to_datetime(raw["date"], format="%d/%m/%Y")
raw["product"] = raw["product"].astype("category")
raw.loc[raw["unit_price"] <= 0, "unit_price"] = pd.NA
print(raw.isna().sum().to_dict())

# %%
dupes = raw.duplicated(keep=False)
print("duplicated rows:", int(dupes.sum()))
clean = raw.drop_duplicates().reset_index(drop=True)

# %%
os.makedirs("data/out", exist_ok=True)
clean.to_parquet("data/out/sales_clean.parquet", index=False)
print(os.path.getsize("data/out/sales_clean.parquet") > 0)

# %%
back = pd.read_parquet("data/out/sales_clean.parquet")
print(back.dtypes.to_dict())
print("same frame after the round trip:", back.equals(clean))

# %%
quarterly = back.groupby([back["date"].dt.quarter, "product"], observed=True)["units"].sum().unstack()
quarterly
