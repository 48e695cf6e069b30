"""Provider staff console: the review queue, the review page, the pipeline, dashboards."""
