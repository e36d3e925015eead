/**
 * What each corpus notebook leaves behind, for the export benchmark: the
 * replay corpus (bench/replay/notebooks) explores and prints, but a run
 * worth exporting ends with results, so each notebook gets one last cell,
 * as its author would write it once happy, that logs its headline numbers
 * with `trail.log_metric` and saves its main artefact (a model, a table, an
 * array, a figure) under `out/`. The export must reproduce those files'
 * sha256 and those metrics; the slicing rule starts from that cell.
 *
 * `deterministic: false` marks an outcome that differs on every run of the
 * same code, in the notebook too: one draws from an unseeded generator on
 * purpose, one pickles a model that holds a memory address. The
 * benchmark's goal is that every other notebook reproduces everything.
 */

const head = 'import os\nimport trail\n\nos.makedirs("out", exist_ok=True)\n';

export const OUTCOMES = {
  '01_sales_by_region': {
    code:
      head +
      'monthly.to_csv("out/01_monthly_revenue.csv")\n' +
      'trail.log_metric("total_revenue", float(sales["revenue"].sum()))\n' +
      'trail.log_metric("months", len(monthly))'
  },
  '02_store_merge': {
    code:
      head +
      'per_store.to_csv("out/02_per_store.csv", index=False)\n' +
      'trail.log_metric("age_per_sqft_corr", float(per_store["age_years"].corr(per_store["per_sqft"])))'
  },
  '03_churn_pipeline': {
    code:
      head +
      'import pickle\n' +
      'with open("out/03_churn_model.pkl", "wb") as f:\n' +
      '    pickle.dump(model, f, protocol=4)\n' +
      'trail.log_metric("roc_auc", roc_auc_score(y_test, proba))'
  },
  '04_random_forest_wine': {
    code:
      head +
      'import pickle\n' +
      'with open("out/04_forest.pkl", "wb") as f:\n' +
      '    pickle.dump(forest, f, protocol=4)\n' +
      'trail.log_metric("accuracy", accuracy_score(y_test, predicted))\n' +
      'trail.log_metric("cv_mean", scores.mean())'
  },
  '05_numpy_linalg': {
    code:
      head +
      'np.save("out/05_lstsq_coef.npy", coef)\n' +
      'trail.log_metric("slope", coef[0])\n' +
      'trail.log_metric("condition", np.linalg.cond(A))'
  },
  '06_sensor_timeseries': {
    code:
      head +
      'daily.to_csv("out/06_daily_min_max.csv")\n' +
      'trail.log_metric("hot_hours", len(hot))'
  },
  '07_matplotlib_figures': {
    code:
      head +
      'fig, ax = plt.subplots(figsize=(4, 3))\n' +
      'ax.bar(monthly.index, monthly.to_numpy(), color="tab:blue")\n' +
      'ax.set_title("Units per month")\n' +
      'fig.savefig("out/07_units_per_month.png", metadata={"Software": None})\n' +
      'plt.close(fig)\n' +
      'trail.log_metric("gamma_mean", values.mean())'
  },
  '08_weather_pivot': {
    code:
      head +
      'table.to_csv("out/08_monthly_tmean.csv")\n' +
      'trail.log_metric("wet_share", float((weather["precip_mm"] > 0).mean()))'
  },
  '09_transactions_datetime': {
    code:
      head +
      'daily.to_csv("out/09_daily_amounts.csv")\n' +
      'trail.log_metric("median_gap_hours", gaps.median())'
  },
  '10_diabetes_gridsearch': {
    code:
      head +
      'import pickle\n' +
      'with open("out/10_ridge.pkl", "wb") as f:\n' +
      '    pickle.dump(ridge.best_estimator_, f, protocol=4)\n' +
      'trail.log_metric("ridge_r2", r2_score(y_test, ridge.predict(X_test)))\n' +
      'trail.log_metric("lasso_r2", r2_score(y_test, lasso.predict(X_test)))'
  },
  '11_text_classifier': {
    // The pickle differs from run to run of the same code (the same
    // coefficients and vocabulary): scikit-learn's CountVectorizer keeps
    // _stop_words_id, an id() (a memory address), among its attributes.
    deterministic: false,
    code:
      head +
      'import pickle\n' +
      'with open("out/11_sgd.pkl", "wb") as f:\n' +
      '    pickle.dump(sgd, f, protocol=4)\n' +
      'trail.log_metric("nb_cv_accuracy", float((predicted == tickets["label"]).mean()))'
  },
  '12_clustering': {
    code:
      head +
      'np.save("out/12_segments.npy", segments)\n' +
      'trail.log_metric("silhouette", silhouette_score(X, km.labels_))\n' +
      'trail.log_metric("pc1_variance", pca.explained_variance_ratio_[0])'
  },
  '13_training_loop_timings': {
    code:
      head +
      'np.save("out/13_weights.npy", w)\n' +
      'trail.log_metric("final_loss", summary["final_loss"])\n' +
      'trail.log_metric("max_weight_error", float(np.abs(w - true_w).max()))'
  },
  '14_ratings_recommender': {
    code:
      head +
      'popular.to_csv("out/14_popular_items.csv")\n' +
      'trail.log_metric("baseline_rmse", float(np.sqrt(((predicted - test["rating"]) ** 2).mean())))'
  },
  '15_monte_carlo': {
    deterministic: false,
    code:
      head +
      'runs.to_csv("out/15_queue_runs.csv", index=False)\n' +
      'trail.log_metric("mean_longest", runs["longest"].mean())\n' +
      '# One more look with the unseeded generator: differs on every run.\n' +
      'trail.log_metric("quick_longest", max(simulate(quick)[1] for _ in range(5)))'
  },
  '16_cleaning_to_parquet': {
    code:
      head +
      'quarterly.to_csv("out/16_quarterly_units.csv")\n' +
      'trail.log_metric("clean_rows", len(clean))'
  },
  '17_reprs_and_logs': {
    code:
      head +
      'import json\n' +
      'with open("out/17_balances.json", "w") as f:\n' +
      '    json.dump({a.owner: a.balance for a in accounts}, f, sort_keys=True)\n' +
      'trail.log_metric("total_balance", sum(a.balance for a in accounts))'
  },
  '18_asof_features': {
    code:
      head +
      'out.to_csv("out/18_customer_features.csv")\n' +
      'trail.log_metric("customers", len(out))'
  },
  // Export-only corpus (bench/export/notebooks): its seed is set in a cell
  // of its own and every draw after it goes through numpy's global
  // generator without naming numpy.
  '19_global_seed': {
    code:
      head +
      'pd.DataFrame({"predicted": forest.predict(X_test)}).to_csv("out/19_predictions.csv", index=False)\n' +
      'trail.log_metric("r2", forest.score(X_test, y_test))\n' +
      'trail.log_metric("sample_revenue", float(sample["revenue"].sum()))'
  }
};

/**
 * The notebook with its outcome cell appended (a notebook without one is
 * returned as it is).
 */
export function withOutcome(notebook) {
  const outcome = OUTCOMES[notebook.name];
  if (!outcome) {
    return { notebook, deterministic: true };
  }
  return {
    notebook: {
      ...notebook,
      cells: [
        ...notebook.cells,
        { cellType: 'code', tags: ['outcome'], source: outcome.code }
      ]
    },
    deterministic: outcome.deterministic !== false
  };
}
