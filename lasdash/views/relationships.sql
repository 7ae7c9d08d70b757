-- title: Stale relationships: days since the last contact against each organisation's interval
-- footprint: r.footprint
-- sub_group: r.sub_group_id
-- search: r.name
-- owner: r.las_owner

SELECT {scope}r.name AS "Organisation", r.status AS "Status",
  r.las_owner AS "LAS relationship owner", r.contact_every_days AS "Contact every (days)",
  r.interval_from AS "Interval from",
  r.last_contact AS "Last contact", r.days_since AS "Days since",
  r.contact_due AS "Contact due",
  CASE WHEN r.contact_every_days IS NULL THEN 'No interval set'
       WHEN r.status IN ('Overdue', 'Never contacted') THEN 'Yes' ELSE 'No' END AS "Overdue",
  CASE WHEN r.last_contact IS NOT NULL THEN r.basis END AS "Last contact from",
  r.sub_group_name AS "Sub-group", r.footprint AS "Footprint", r.source AS "Source"
FROM rel_x r
WHERE {where}
ORDER BY {scope_order}r.state_rank,
  r.days_since - r.contact_every_days DESC NULLS LAST, r.days_since DESC NULLS LAST, r.sub_group_id, r.name
