-- title: Engaged organisations, with their last engagement
-- footprint: o.footprint
-- sub_group: o.sub_group_id

SELECT {scope}o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.footprint AS "Footprint",
  max(e.date) AS "Last engaged (date)",
  string_agg(DISTINCT e.period, '; ' ORDER BY e.period) FILTER (WHERE e.date IS NULL) AS "Engaged (period)",
  string_agg(DISTINCT e.las_lead, '; ' ORDER BY e.las_lead) AS "LAS lead", string_agg(DISTINCT e.mechanism, '; ' ORDER BY e.mechanism) AS "Mechanism",
  string_agg(DISTINCT e.level, '; ' ORDER BY e.level) AS "Level", count(e.id) AS "Engagements",
  string_agg(DISTINCT e.source, '; ' ORDER BY e.source) AS "Source"
FROM org_x o JOIN engagements e ON e.organisation_id = o.id
WHERE {where}
GROUP BY o.id, o.name, o.sub_group_name, o.footprint, o.sub_group_id
ORDER BY {scope_order}"Last engaged (date)" DESC NULLS LAST, o.name
