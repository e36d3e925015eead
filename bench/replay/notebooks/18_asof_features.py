# %% [markdown]
# # Features for the churn model, as of each transaction
# An as-of join of card transactions with customer attributes, then
# rolling per-customer features.

# %%
import pandas as pd

tx = pd.read_csv("data/transactions.csv", parse_dates=["ts"])
customers = pd.read_parquet("data/customers.parquet", columns=["customer_id", "signup", "segment"])
tx = tx[tx["customer_id"].isin(customers["customer_id"])]
print(len(tx), "transactions of known customers")

# %%
tx = tx.sort_values("ts")
customers = customers.sort_values("signup")
joined = pd.merge_asof(tx, customers, left_on="ts", right_on="signup", by="customer_id", direction="backward")
print("transactions before the customer signed up:", int(joined["signup"].isna().sum()))
joined = joined.dropna(subset=["signup"])

# %%
joined["days_since_signup"] = (joined["ts"] - joined["signup"]).dt.days
joined.groupby("segment", observed=True)["days_since_signup"].describe().round(1)

# %%
joined = joined.sort_values(["customer_id", "ts"])
rolling = joined.set_index("ts").groupby("customer_id")["amount"].rolling("30D")
features = pd.DataFrame({"spend_30d": rolling.sum(), "count_30d": rolling.count()}).reset_index()
features.head()

# %%
last = features.groupby("customer_id").tail(1).set_index("customer_id")
last.describe().round(2)

# %%
mix = pd.crosstab(joined["customer_id"], joined["category"], normalize="index").round(3)
mix.head()

# %%
out = last.join(mix, how="left").fillna(0)
print(out.shape)
print(out.columns.tolist())
