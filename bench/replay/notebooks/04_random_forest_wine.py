# %% [markdown]
# # Wine cultivars with a random forest
# scikit-learn's bundled wine data; the forest and the folds have fixed seeds.

# %%
import numpy as np
import pandas as pd
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split

wine = load_wine(as_frame=True)
df = wine.frame
df.shape

# %%
df.groupby("target").mean().T.round(2).head(8)

# %%
X_train, X_test, y_train, y_test = train_test_split(
    wine.data, wine.target, test_size=0.3, random_state=42, stratify=wine.target
)
forest = RandomForestClassifier(n_estimators=200, max_depth=6, random_state=0, n_jobs=1)
forest.fit(X_train, y_train)

# %%
predicted = forest.predict(X_test)
print("accuracy", round(accuracy_score(y_test, predicted), 4))
print("macro F1", round(f1_score(y_test, predicted, average="macro"), 4))
print(confusion_matrix(y_test, predicted))

# %%
importance = pd.Series(forest.feature_importances_, index=wine.feature_names).sort_values(ascending=False)
importance.head(6).round(4)

# %%
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=3)
scores = cross_val_score(RandomForestClassifier(n_estimators=100, random_state=1, n_jobs=1), wine.data, wine.target, cv=folds)
print(np.round(scores, 4), round(scores.mean(), 4))

# %%
depths = [tree.get_depth() for tree in forest.estimators_]
print("tree depths:", np.bincount(depths))

# %%
proba = forest.predict_proba(X_test.iloc[:5])
pd.DataFrame(proba, columns=wine.target_names).round(3)
