# %% [markdown]
# # Diabetes progression: ridge against lasso
# A grid search over shuffled folds with a fixed seed.

# %%
import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso, Ridge
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import GridSearchCV, KFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

data = load_diabetes(as_frame=True)
X, y = data.data, data.target
X.describe().loc[["mean", "std"]].round(4)

# %%
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=11)
folds = KFold(n_splits=5, shuffle=True, random_state=0)

# %%
ridge = GridSearchCV(make_pipeline(StandardScaler(), Ridge()), {"ridge__alpha": np.logspace(-2, 3, 11)}, cv=folds, scoring="r2")
ridge.fit(X_train, y_train)
print(ridge.best_params_, round(ridge.best_score_, 4))

# %%
lasso = GridSearchCV(make_pipeline(StandardScaler(), Lasso(max_iter=20000)), {"lasso__alpha": np.logspace(-3, 1, 9)}, cv=folds, scoring="r2")
lasso.fit(X_train, y_train)
print(lasso.best_params_, round(lasso.best_score_, 4))

# %%
results = pd.DataFrame(ridge.cv_results_)[["param_ridge__alpha", "mean_test_score", "std_test_score", "rank_test_score"]]
results.round(4)

# %%
for name, search in (("ridge", ridge), ("lasso", lasso)):
    predicted = search.predict(X_test)
    print(f"{name}: R2 {r2_score(y_test, predicted):.4f}  MAE {mean_absolute_error(y_test, predicted):.3f}")

# %%
coef = pd.Series(lasso.best_estimator_[-1].coef_, index=X.columns).round(3)
print("features the lasso dropped:", list(coef[coef == 0].index))
coef

# %%
poly = make_pipeline(PolynomialFeatures(2, include_bias=False), StandardScaler(), Ridge(alpha=10.0))
poly.fit(X_train, y_train)
print("quadratic ridge R2:", round(r2_score(y_test, poly.predict(X_test)), 4))
