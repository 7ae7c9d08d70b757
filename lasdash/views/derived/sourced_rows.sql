-- title: Every row of every sheet with its source, footprint and sub-group
-- for the views about provenance

SELECT 'Sub-groups' AS sheet, id, name AS label, source, NULL AS footprint, id AS sub_group_id, 1 AS n FROM sub_groups
UNION ALL SELECT 'Categories', id, name, source, NULL, sub_group_id, 2 FROM categories
UNION ALL SELECT 'Organisations', id, name, source, footprint, sub_group_id, 3 FROM organisations
UNION ALL SELECT 'People', p.id, p.name, p.source, o.footprint, o.sub_group_id, 4
  FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
UNION ALL SELECT 'Forums', id, name, source, footprint, sub_group_id, 5 FROM forum_x
UNION ALL SELECT 'Roles', id, coalesce(person_display, 'Unknown') || ', ' || role, source, eff_footprint,
  eff_sub_group, 6 FROM all_seats
UNION ALL SELECT 'Engagements', e.id, coalesce(o.name, e.period, CAST(e.date AS VARCHAR)), e.source,
  o.footprint, o.sub_group_id, 7 FROM engagements e LEFT JOIN organisations o ON o.id = e.organisation_id
UNION ALL SELECT 'Recommendations', r.id, r.text, r.source, o.footprint, o.sub_group_id, 8
  FROM recommendations r LEFT JOIN organisations o ON o.id = r.made_by_id
