"""Writes the replay corpus's input files, deterministically, into a folder.

    python bench/replay/make_data.py <folder>

Every file comes from a seeded generator and fixed dates, so two runs write
the same bytes (for the same numpy, pandas and pyarrow): a replay that reads
them must see the same data the recording saw. The notebooks read them from
``data/`` relative to the kernel's working folder.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

REGIONS = ["north", "south", "east", "west"]
PRODUCTS = ["espresso", "latte", "tea", "muffin", "bagel", "juice"]
CITIES = ["Lyon", "Porto", "Ghent", "Leipzig", "Turin", "Bergen"]
CATEGORIES = ["groceries", "travel", "dining", "utilities", "books"]
SENSORS = ["s-01", "s-02", "s-03", "s-04"]


def stores(rng):
    ids = np.arange(100, 124)
    return pd.DataFrame(
        {
            "store_id": ids,
            "city": [CITIES[i % len(CITIES)] for i in range(len(ids))],
            "region": [REGIONS[i % len(REGIONS)] for i in range(len(ids))],
            "opened": pd.date_range("2015-03-01", periods=len(ids), freq="97D").strftime("%Y-%m-%d"),
            "sqft": rng.integers(800, 4200, len(ids)),
        }
    )


def sales(rng, store_table):
    n = 6000
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    store_ids = rng.choice(store_table["store_id"].to_numpy(), n)
    # One store id that no store has: a merge has something to report.
    store_ids[::997] = 999
    product = rng.choice(PRODUCTS, n)
    base = {"espresso": 2.4, "latte": 3.6, "tea": 2.1, "muffin": 2.9, "bagel": 2.5, "juice": 4.2}
    price = np.round([base[p] for p in product] * rng.uniform(0.9, 1.15, n), 2)
    frame = pd.DataFrame(
        {
            # Day first, as the shop's tills export it.
            "date": rng.choice(days, n).astype("datetime64[s]"),
            "store_id": store_ids,
            "product": product,
            "units": rng.poisson(3, n) + 1,
            "unit_price": price,
        }
    )
    frame = frame.sort_values(["date", "store_id", "product"], kind="mergesort").reset_index(drop=True)
    frame["date"] = frame["date"].dt.strftime("%d/%m/%Y")
    return frame


def customers(rng):
    n = 2400
    tenure = rng.integers(1, 72, n)
    spend = np.round(rng.gamma(4.0, 18.0, n), 2)
    support = rng.poisson(1.2, n)
    segment = rng.choice(["consumer", "small-business", "enterprise"], n, p=[0.6, 0.3, 0.1])
    logit = -1.2 - 0.04 * tenure + 0.5 * support + 0.006 * spend + (segment == "consumer") * 0.4
    churned = rng.uniform(0, 1, n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1),
            "signup": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1800, n), unit="D"),
            "segment": pd.Categorical(segment),
            "age": rng.integers(18, 80, n),
            "tenure_months": tenure,
            "monthly_spend": spend,
            "support_calls": support,
            "churned": churned,
        }
    )


def sensors(rng):
    stamps = pd.date_range("2025-06-01", periods=24 * 21, freq="h")
    rows = []
    for k, sensor in enumerate(SENSORS):
        hours = np.arange(len(stamps))
        temperature = 18 + 4 * np.sin(2 * np.pi * hours / 24 - k) + rng.normal(0, 0.6, len(stamps))
        humidity = 55 + 10 * np.cos(2 * np.pi * hours / 24) + rng.normal(0, 2.0, len(stamps))
        frame = pd.DataFrame(
            {"timestamp": stamps, "sensor": sensor, "temperature": temperature.round(3), "humidity": humidity.round(2)}
        )
        # A few gaps, as a flaky radio leaves them.
        frame.loc[rng.choice(len(frame), 9, replace=False), "temperature"] = np.nan
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def weather(rng):
    days = pd.date_range("2024-01-01", "2024-12-31", freq="D")
    rows = []
    for k, city in enumerate(CITIES):
        season = 10 * np.sin(2 * np.pi * (np.arange(len(days)) - 100) / 365)
        tmax = 16 + k + season + rng.normal(0, 2.5, len(days))
        rows.append(
            pd.DataFrame(
                {
                    "day": days.strftime("%Y-%m-%d"),
                    "city": city,
                    "tmin": (tmax - rng.uniform(4, 11, len(days))).round(1),
                    "tmax": tmax.round(1),
                    "precip_mm": np.where(rng.uniform(0, 1, len(days)) < 0.35, rng.gamma(1.5, 4.0, len(days)), 0).round(1),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def transactions(rng):
    n = 5000
    start = pd.Timestamp("2025-03-01 00:00:00")
    seconds = np.sort(rng.integers(0, 92 * 24 * 3600, n))
    return pd.DataFrame(
        {
            "txn_id": [f"T{i:06d}" for i in range(n)],
            "customer_id": rng.integers(1, 400, n),
            # ISO local times with seconds, no zone: the notebook localises them.
            "ts": (start + pd.to_timedelta(seconds, unit="s")).strftime("%Y-%m-%d %H:%M:%S"),
            "amount": np.round(rng.lognormal(3.0, 0.8, n), 2),
            "category": rng.choice(CATEGORIES, n),
        }
    )


def ratings(rng):
    users, items = 120, 40
    taste = rng.normal(0, 1, (users, 3))
    kind = rng.normal(0, 1, (items, 3))
    score = taste @ kind.T
    pairs = rng.choice(users * items, 1800, replace=False)
    u, i = np.divmod(np.sort(pairs), items)
    rating = np.clip(np.round(3 + score[u, i] + rng.normal(0, 0.5, len(u))), 1, 5).astype("int8")
    return pd.DataFrame({"user": [f"u{x:03d}" for x in u], "item": [f"item-{x:02d}" for x in i], "rating": rating})


def main(folder):
    out = Path(folder) / "data"
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261206)
    store_table = stores(rng)
    store_table.to_csv(out / "stores.csv", index=False)
    sales(rng, store_table).to_csv(out / "sales.csv", index=False)
    customers(rng).to_parquet(out / "customers.parquet", index=False)
    sensors(rng).to_parquet(out / "sensors.parquet", index=False)
    weather(rng).to_csv(out / "weather.csv", index=False)
    transactions(rng).to_csv(out / "transactions.csv", index=False)
    ratings(rng).to_parquet(out / "ratings.parquet", index=False)
    print(" ".join(sorted(p.name for p in out.iterdir())))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
