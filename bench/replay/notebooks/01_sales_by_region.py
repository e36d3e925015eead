# %% [markdown]
# # Coffee sales by region, 2025
# Weekly and monthly revenue per region from the tills' export (`data/sales.csv`).
# The export writes dates day-first.

# %%
import pandas as pd

pd.set_option("display.width", 120)
sales = pd.read_csv("data/sales.csv")
sales.head()

# %%
sales["date"] = pd.to_datetime(sales["date"], format="%d/%m/%Y")
sales["revenue"] = sales["units"] * sales["unit_price"]
sales.dtypes

# %%
stores = pd.read_csv("data/stores.csv")
sales = sales.merge(stores[["store_id", "region"]], on="store_id", how="left")
print("rows without a known store:", sales["region"].isna().sum())
sales = sales.dropna(subset=["region"])

# %% [markdown]
# Monthly revenue per region.

# %%
monthly = (
    sales.groupby([sales["date"].dt.to_period("M"), "region"])["revenue"]
    .sum()
    .unstack("region")
    .round(2)
)
monthly

# %% tags=["rerun"]
share = monthly.div(monthly.sum(axis=1), axis=0).mul(100).round(1)
share.tail(3)

# %%
best = monthly.idxmax(axis=1).value_counts()
print("months each region led:")
print(best.to_string())

# %%
by_product = sales.pivot_table(index="product", columns="region", values="units", aggfunc="sum", margins=True)
by_product

# %%
weekday = sales.groupby(sales["date"].dt.day_name())["revenue"].mean().round(3)
weekday.reindex(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])

# %%
top = sales.groupby(["region", "product"])["revenue"].sum().groupby(level=0, group_keys=False).nlargest(2)
top.round(2)

# %%
print(f"total revenue {sales['revenue'].sum():,.2f} over {sales['date'].nunique()} days")
