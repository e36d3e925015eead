# %% [markdown]
# # Churn model
# Logistic regression on the customer table (`data/customers.parquet`), with a
# preprocessing pipeline and a held-out test set.

# %%
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

customers = pd.read_parquet("data/customers.parquet")
customers.info()

# %%
customers["churned"].mean().round(4)

# %%
customers["signup_year"] = customers["signup"].dt.year
features = ["segment", "age", "tenure_months", "monthly_spend", "support_calls", "signup_year"]
X = customers[features]
y = customers["churned"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=7, stratify=y)
print(len(X_train), len(X_test), round(y_train.mean(), 4), round(y_test.mean(), 4))

# %%
prep = ColumnTransformer(
    [
        ("num", StandardScaler(), ["age", "tenure_months", "monthly_spend", "support_calls", "signup_year"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["segment"]),
    ]
)
model = Pipeline([("prep", prep), ("clf", LogisticRegression(max_iter=500, C=0.5))])
model.fit(X_train, y_train)
print(type(model.named_steps["clf"]).__name__, model.named_steps["clf"].n_iter_)

# %%
proba = model.predict_proba(X_test)[:, 1]
print("ROC AUC:", round(roc_auc_score(y_test, proba), 4))
print(classification_report(y_test, proba > 0.5, digits=3))

# %%
confusion_matrix(y_test, proba > 0.5)

# %%
names = model.named_steps["prep"].get_feature_names_out()
coef = pd.Series(model.named_steps["clf"].coef_[0], index=names).sort_values()
coef.round(4)

# %%
for threshold in (0.3, 0.4, 0.5, 0.6):
    predicted = proba > threshold
    print(f"threshold {threshold:.1f}: flagged {predicted.sum():4d}, recall {(predicted & y_test.to_numpy()).sum() / y_test.sum():.3f}")
