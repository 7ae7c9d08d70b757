-- title: Next contacts planned in the coming four weeks
-- footprint: coalesce(o.footprint, f.footprint, po.footprint)
-- sub_group: coalesce(o.sub_group_id, f.sub_group_id, po.sub_group_id)
-- null_is_wider: true
-- owner: coalesce(o.las_owner, '') || ';' || coalesce(e.las_lead, '')
-- an engagement's "Next contact" from today to 28 days on; the owner filter finds it by the organisation's LAS
-- relationship owner or by the engagement's LAS lead

SELECT {scope}e.next_contact AS "Next contact", o.name AS "Organisation",
  trim(coalesce(p.title || ' ', '') || p.name) AS "Person", f.name AS "Forum",
  e.date AS "Engagement date", e.period AS "Engagement period", e.next_steps AS "Next steps",
  e.las_lead AS "LAS lead", o.las_owner AS "LAS relationship owner",
  coalesce(o.footprint, f.footprint, po.footprint) AS "Footprint", e.organisation_id AS "Organisation ID",
  e.id AS "ID", e.source AS "Source"
FROM engagements e
LEFT JOIN organisations o ON o.id = e.organisation_id
LEFT JOIN people p ON p.id = e.person_id
LEFT JOIN organisations po ON po.id = p.organisation_id
LEFT JOIN forum_x f ON f.id = e.forum_id
WHERE e.next_contact BETWEEN getvariable('today') AND getvariable('today') + 28 AND {where}
ORDER BY {scope_order}e.next_contact, o.name NULLS LAST, e.id
