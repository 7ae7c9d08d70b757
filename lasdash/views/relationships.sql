-- title: Stale relationships: days since the last contact against each organisation's interval
-- footprint: r.footprint
-- sub_group: r.sub_group_id
-- search: r.name
-- owner: r.las_owner

WITH contact AS (
  SELECT e.organisation_id, e.date, e.period, e.period_start,
    -- a stated period counts to its last day (read once, at validation), the latest the contact can have been
    CASE WHEN e.date IS NULL THEN e.period_end END AS period_end
  FROM engagements e WHERE e.organisation_id IS NOT NULL),
latest AS (
  SELECT organisation_id, max(date) AS last_dated,
    max(period_end) FILTER (WHERE period_start <= period_end) AS last_period_end,
    arg_max(period, period_end) FILTER (WHERE period_start <= period_end) AS last_period
  FROM contact GROUP BY organisation_id),
r AS (
  SELECT o.*, greatest(l.last_dated, l.last_period_end)::DATE AS last_contact,
    CASE WHEN l.last_dated >= l.last_period_end OR l.last_period_end IS NULL THEN 'Dated engagement'
         ELSE 'End of the period ' || l.last_period END AS basis
  FROM org_x o LEFT JOIN latest l ON l.organisation_id = o.id)
SELECT {scope}r.name AS "Organisation", r.status AS "Status",
  r.las_owner AS "LAS relationship owner", r.contact_every_days AS "Contact every (days)",
  r.interval_from AS "Interval from",
  r.last_contact AS "Last contact", r.days_since AS "Days since",
  r.last_contact + r.contact_every_days::INTEGER AS "Contact due",
  CASE WHEN r.contact_every_days IS NULL THEN 'No interval set'
       WHEN r.status IN ('Overdue', 'Never contacted') THEN 'Yes' ELSE 'No' END AS "Overdue",
  CASE WHEN r.last_contact IS NOT NULL THEN r.basis END AS "Last contact from",
  r.sub_group_name AS "Sub-group", r.footprint AS "Footprint", r.source AS "Source"
FROM (SELECT r.*, getvariable('today') - r.last_contact AS days_since,
        -- one place decides a relationship's state; every page, count and CSV reads it from here
        CASE WHEN r.last_contact IS NULL THEN 'Never contacted'
             WHEN r.contact_every_days IS NULL THEN 'No interval set'
             WHEN getvariable('today') - r.last_contact > r.contact_every_days THEN 'Overdue'
             WHEN getvariable('today') - r.last_contact > r.contact_every_days - 14 THEN 'Due soon'
             ELSE 'Up to date' END AS status
      FROM r) r
WHERE {where}
ORDER BY {scope_order}
  -- never contacted with an interval is overdue, after those whose contact has lapsed
  CASE WHEN r.status = 'Overdue' THEN 0
       WHEN r.status = 'Never contacted' AND r.contact_every_days IS NOT NULL THEN 1
       WHEN r.status = 'Due soon' THEN 2 WHEN r.status = 'Up to date' THEN 3
       WHEN r.status = 'Never contacted' THEN 4 ELSE 5 END,
  r.days_since - r.contact_every_days DESC NULLS LAST, r.days_since DESC NULLS LAST, r.sub_group_id, r.name
