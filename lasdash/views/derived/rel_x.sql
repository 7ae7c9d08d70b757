-- title: Each organisation's relationship state: its last contact, days since, contact due date and state
-- One place decides a relationship's state; Stale relationships, My relationships, the reminders, every count and
-- CSV read it from here. A contact known only by a period counts to the period's last day (read once, at
-- validation): the latest it can have been, so 'overdue' is never overstated. state_rank orders the states
-- (never contacted with an interval is overdue, after those whose contact has lapsed).

WITH contact AS (
  SELECT e.organisation_id, e.date, e.period, e.period_start,
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
  FROM org_x o LEFT JOIN latest l ON l.organisation_id = o.id),
s AS (
  SELECT r.*, getvariable('today') - r.last_contact AS days_since,
    r.last_contact + r.contact_every_days::INTEGER AS contact_due,
    CASE WHEN r.last_contact IS NULL THEN 'Never contacted'
         WHEN r.contact_every_days IS NULL THEN 'No interval set'
         WHEN getvariable('today') - r.last_contact > r.contact_every_days THEN 'Overdue'
         WHEN getvariable('today') - r.last_contact > r.contact_every_days - 14 THEN 'Due soon'
         ELSE 'Up to date' END AS status
  FROM r)
SELECT s.*,
  CASE WHEN s.status = 'Overdue' THEN 0
       WHEN s.status = 'Never contacted' AND s.contact_every_days IS NOT NULL THEN 1
       WHEN s.status = 'Due soon' THEN 2 WHEN s.status = 'Up to date' THEN 3
       WHEN s.status = 'Never contacted' THEN 4 ELSE 5 END AS state_rank
FROM s
