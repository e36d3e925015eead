# %% [markdown]
# # Sales sample under a global seed
# The seed, the warnings filter and display options, and the output folder
# are each set in a cell of their own, as notebooks often do; the later
# cells draw from numpy's global generator (pandas' sample, scikit-learn's
# split and forest without random_state) without naming numpy. Export-only
# corpus: a pipeline that drops the seed cell draws another sample.

# %%
import os
import warnings
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import train_test_split

# %%
np.random.seed(7)

# %%
warnings.filterwarnings("ignore", category=FutureWarning)
pd.set_option("display.precision", 3)

# %%
os.makedirs("work_19/samples", exist_ok=True)

# %%
sales = pd.read_csv("data/sales.csv")
sales["revenue"] = sales["units"] * sales["unit_price"]
sales.head()

# %%
sample = sales.sample(n=400)
sample.to_csv("work_19/samples/sales_sample.csv", index=False)
sample.describe()

# %%
features = sample[["store_id", "units", "unit_price"]]
X_train, X_test, y_train, y_test = train_test_split(features, sample["revenue"], test_size=0.25)
forest = RandomForestRegressor(n_estimators=30, max_depth=5, n_jobs=1).fit(X_train, y_train)
round(forest.score(X_test, y_test), 3)
