-- title: Organisations, people and forums by sub-group and footprint
-- footprint: x.footprint
-- sub_group: x.sub_group_id

SELECT * FROM (
  SELECT x.sub_group_id AS "Sub-group ID", coalesce(sg.name, 'Not stated') AS "Sub-group",
    coalesce(x.footprint, 'Not stated') AS "Footprint",
    count(DISTINCT x.id) FILTER (WHERE x.kind = 'organisation') AS "Organisations",
    count(DISTINCT x.id) FILTER (WHERE x.kind = 'person') AS "People",
    count(DISTINCT x.id) FILTER (WHERE x.kind = 'forum') AS "Forums"
  FROM (SELECT 'organisation' AS kind, id, sub_group_id, footprint FROM organisations
        UNION ALL SELECT 'forum', id, sub_group_id, footprint FROM forum_x
        -- a person counts wherever they hold a seat, as the people view's filter does
        UNION ALL SELECT 'person', person_id, eff_sub_group, eff_footprint FROM seats WHERE NOT is_gap) x
  LEFT JOIN sub_groups sg ON sg.id = x.sub_group_id
  WHERE {where}
  GROUP BY x.sub_group_id, sg.name, coalesce(x.footprint, 'Not stated'))
ORDER BY "Sub-group ID" NULLS LAST,
  array_position(['NWL','NCL','NEL','SEL','SWL','London','National','Not stated'], "Footprint")
