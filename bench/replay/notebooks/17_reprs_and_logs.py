# %% [markdown]
# # Exploring an object model
# Small helper classes, logging and a plot, shown the way an exploring
# session shows them: default reprs, ids, log lines with times.

# %%
import logging
import sys

import matplotlib.pyplot as plt
import numpy as np

logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", force=True)
log = logging.getLogger("explore")

class Account:
    def __init__(self, owner, balance):
        self.owner = owner
        self.balance = balance

accounts = [Account(name, balance) for name, balance in [("ana", 120.5), ("ben", 80.0), ("caro", 410.25)]]
print(sum(a.balance for a in accounts))

# %% tags=["nondeterministic", "address"]
accounts[0]

# %% tags=["nondeterministic", "address"]
print(accounts)

# %% tags=["nondeterministic", "timestamp"]
log.info("loaded %d accounts", len(accounts))

# %% tags=["nondeterministic", "address"]
richest = max(accounts, key=lambda a: a.balance)
print(richest.owner, hex(id(richest)))

# %% tags=["nondeterministic", "address"]
balances = (a.balance for a in accounts)
balances

# %%
sorted(a.owner for a in accounts)

# %% tags=["nondeterministic", "address"]
x = np.linspace(0, 1, 50)
plt.plot(x, x ** 2)

# %% tags=["nondeterministic", "address"]
key = lambda a: -a.balance
print(key, [a.owner for a in sorted(accounts, key=key)])

# %%
{a.owner: round(a.balance * 1.02, 2) for a in accounts}
