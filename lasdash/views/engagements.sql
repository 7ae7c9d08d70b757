-- title: Engagements
-- footprint: coalesce(o.footprint, f.footprint, po.footprint)
-- sub_group: coalesce(o.sub_group_id, f.sub_group_id, po.sub_group_id)
-- null_is_wider: true
-- owner: e.las_lead

SELECT {scope}e.id AS "ID", e.date AS "Date", e.period AS "Period", e.period_start AS "Period from",
  e.period_end AS "Period to", o.name AS "Organisation",
  trim(coalesce(p.title || ' ', '') || p.name) AS "Person", f.name AS "Forum", e.las_lead AS "LAS lead",
  e.mechanism AS "Mechanism", e.level AS "Level", e.theme AS "Theme", e.summary AS "Summary",
  e.next_steps AS "Next steps", e.next_contact AS "Next contact", e.source AS "Source"
FROM engagements e
LEFT JOIN organisations o ON o.id = e.organisation_id
LEFT JOIN people p ON p.id = e.person_id
LEFT JOIN organisations po ON po.id = p.organisation_id
LEFT JOIN forum_x f ON f.id = e.forum_id
WHERE {where}
ORDER BY {scope_order}e.date NULLS LAST, e.id
