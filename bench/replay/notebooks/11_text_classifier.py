# %% [markdown]
# # Routing support tickets
# A small bag-of-words classifier over tickets written for this notebook.

# %%
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import classification_report
from sklearn.model_selection import cross_val_predict, StratifiedKFold
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline

templates = {
    "billing": ["charged twice for {x}", "refund for my {x} invoice", "invoice {x} shows the wrong amount", "card declined when paying {x}"],
    "login": ["cannot sign in after {x}", "password reset link for {x} expired", "two-factor code never arrives on {x}", "account locked after {x}"],
    "shipping": ["parcel {x} has not arrived", "tracking for {x} stuck in transit", "delivered {x} to the wrong address", "box {x} arrived damaged"],
}
things = ["the march order", "order 4471", "my phone", "the update", "the annual plan", "yesterday", "the new laptop", "the gift card"]
rows = [(t.format(x=x), label) for label, ts in templates.items() for t in ts for x in things]
tickets = pd.DataFrame(rows, columns=["text", "label"])
tickets["label"].value_counts()

# %%
vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2)
matrix = vectorizer.fit_transform(tickets["text"])
print(matrix.shape, matrix.nnz)

# %%
folds = StratifiedKFold(n_splits=4, shuffle=True, random_state=2)
nb = Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2)), ("nb", MultinomialNB(alpha=0.3))])
predicted = cross_val_predict(nb, tickets["text"], tickets["label"], cv=folds)
print(classification_report(tickets["label"], predicted, digits=3))

# %%
sgd = Pipeline([("tfidf", TfidfVectorizer()), ("sgd", SGDClassifier(loss="log_loss", random_state=0, max_iter=50, tol=None))])
sgd.fit(tickets["text"], tickets["label"])
sgd.predict(["my parcel never came", "reset my password please", "why was I charged twice"])

# %%
weights = pd.DataFrame(sgd[-1].coef_, index=sgd[-1].classes_, columns=sgd[0].get_feature_names_out())
for label, row in weights.iterrows():
    print(label, list(row.nlargest(4).index))
