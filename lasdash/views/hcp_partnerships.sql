-- title: Each HCP's partnership (its SG01 organisation with the most seats)
-- footprint: o.footprint
-- sub_group: o.sub_group_id

SELECT {scope}o.name AS "Partnership", o.footprint AS "Footprint", count(s.id) AS "Seats", o.source AS "Source"
FROM organisations o LEFT JOIN seats s ON s.organisation_id = o.id
WHERE o.sub_group_id = 'SG01' AND o.footprint IN ('NWL','NCL','NEL','SEL','SWL') AND {where}
GROUP BY o.id, o.footprint, o.name, o.source
QUALIFY row_number() OVER (PARTITION BY o.footprint ORDER BY count(s.id) DESC, o.name) = 1
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL'], o.footprint)
