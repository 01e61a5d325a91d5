"""Pure Python rules of casecell: entities, nomenclatures, workflows. No SQL, no Qt."""
