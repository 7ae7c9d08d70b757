-- title: Reminders: contacts due, planned contacts and recommendations' due dates, with their LAS owners
-- footprint: x.footprint
-- sub_group: x.sub_group_id
-- null_is_wider: true
-- owner: x.owner_cell
-- What the calendar (.ics) and the weekly digest are made of. Date: the day an event falls on. A contact is due
-- on its interval from the last contact (rel_x); never contacted with an interval, it is due today; never
-- contacted without one, it has no date (the digest lists it, the calendar cannot). A planned contact is an
-- engagement's Next contact from today on; a recommendation, its Due date while it is open.

WITH last_engagement AS (
  SELECT e.organisation_id,
    arg_max(concat_ws(', ', coalesce(strftime(e.date, '%d %b %Y'), e.period), e.mechanism)
              || coalesce(': ' || e.summary, ''), coalesce(e.date, e.period_end)) AS said
  FROM engagements e WHERE e.organisation_id IS NOT NULL GROUP BY e.organisation_id),
x AS (
  SELECT 1 AS section, 'Contact due' AS kind, r.id, r.name AS about,
    CASE WHEN r.last_contact IS NULL AND r.contact_every_days IS NOT NULL THEN getvariable('today')
         ELSE r.contact_due END AS date,
    r.status, CASE WHEN r.contact_due < getvariable('today') THEN getvariable('today') - r.contact_due END
      AS days_overdue,
    r.las_owner AS owner_cell, r.last_contact, le.said AS last_engagement,
    'Contact every ' || r.contact_every_days || ' days (' || lower(r.interval_from) || ')' AS detail,
    'relationships' AS page, r.footprint, r.sub_group_id, r.source, r.state_rank AS rank
  FROM rel_x r LEFT JOIN last_engagement le ON le.organisation_id = r.id
  WHERE r.contact_every_days IS NOT NULL OR r.last_contact IS NULL
  UNION ALL
  SELECT 2, 'Planned contact', e.id, coalesce(o.name, f.name, trim(coalesce(p.title || ' ', '') || p.name)),
    e.next_contact, 'Planned', NULL, concat_ws('; ', o.las_owner, e.las_lead), coalesce(e.date, e.period_end),
    concat_ws(', ', coalesce(strftime(e.date, '%d %b %Y'), e.period), e.mechanism) || coalesce(': ' || e.summary, ''),
    e.next_steps, 'engagement', coalesce(o.footprint, f.footprint, po.footprint),
    coalesce(o.sub_group_id, f.sub_group_id, po.sub_group_id), e.source, 0
  FROM engagements e
  LEFT JOIN organisations o ON o.id = e.organisation_id
  LEFT JOIN people p ON p.id = e.person_id
  LEFT JOIN organisations po ON po.id = p.organisation_id
  LEFT JOIN forum_x f ON f.id = e.forum_id
  WHERE e.next_contact >= getvariable('today')
  UNION ALL
  SELECT 3, 'Recommendation due', r.id, coalesce(r.reference || ': ', '') || r.text, r.due,
    coalesce(r.status, 'Not recorded'), CASE WHEN r.due < getvariable('today') THEN getvariable('today') - r.due END,
    r.owner, NULL, NULL, 'Made by ' || o.name, 'recommendations', o.footprint, o.sub_group_id, r.source, 0
  FROM recommendations r LEFT JOIN organisations o ON o.id = r.made_by_id
  WHERE coalesce(r.status, '') NOT IN ('Done', 'Closed', 'Superseded') AND r.due IS NOT NULL)
SELECT {scope}x.kind AS "Kind", x.id AS "ID", x.about AS "About", x.date AS "Date", x.status AS "Status",
  x.days_overdue AS "Days overdue", x.owner_cell AS "LAS owner", x.last_contact AS "Last contact",
  x.last_engagement AS "Last engagement", x.detail AS "Detail", x.page AS "Page", x.footprint AS "Footprint",
  x.source AS "Source"
FROM x
WHERE {where}
ORDER BY {scope_order}x.section, x.rank, x.date NULLS LAST, x.about, x.id
