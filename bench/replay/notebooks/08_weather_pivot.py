# %% [markdown]
# # A year of weather in six cities
# `data/weather.csv`: daily minimum and maximum temperature and rain.

# %%
import pandas as pd

weather = pd.read_csv("data/weather.csv", parse_dates=["day"])
weather.head()

# %%
weather["month"] = weather["day"].dt.month
weather["tmean"] = (weather["tmin"] + weather["tmax"]) / 2
summer = weather[weather["month"].between(6, 8)]
summer.groupby("city")["tmax"].agg(["mean", "max"]).round(2)

# %%
table = weather.pivot_table(index="month", columns="city", values="tmean", aggfunc="mean").round(1)
table

# %%
rain = weather.assign(wet=weather["precip_mm"] > 0).pivot_table(index="city", columns="month", values="wet", aggfunc="mean")
(rain * 100).round(0).astype(int)

# %%
long = table.reset_index().melt(id_vars="month", var_name="city", value_name="tmean")
long.sort_values(["city", "month"]).head(12)

# %%
weather["week"] = weather["day"].dt.isocalendar().week
warmest_week = weather.groupby(["city", "week"])["tmax"].mean().groupby(level=0).idxmax()
print(warmest_week.to_string())

# %%
streak = weather.sort_values(["city", "day"]).groupby("city")["precip_mm"].apply(
    lambda s: (s.eq(0).astype(int).groupby(s.ne(0).cumsum()).cumsum()).max()
)
streak.rename("longest dry streak (days)")

# %%
weather.describe(include="all").T[["count", "mean", "min", "max"]]
