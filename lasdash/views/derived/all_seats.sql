-- title: Every seat, current or ended, with its holder, its place and its effective footprint and sub-group

SELECT r.*,
       p.name AS person_name, p.aliases AS person_aliases,
       CASE WHEN p.id IS NULL THEN NULL
            ELSE trim(coalesce(p.title || ' ', '') || p.name) END AS person_display,
       f.name AS forum_name, f.kind AS forum_kind, f.tier AS forum_tier,
       o.name AS organisation_name,
       coalesce(nullif(r.footprint, ''), nullif(f.footprint, ''), nullif(o.footprint, ''),
                nullif(po.footprint, '')) AS eff_footprint,
       coalesce(nullif(o.sub_group_id, ''), nullif(f.sub_group_id, ''), nullif(po.sub_group_id, '')) AS eff_sub_group,
       (r.person_id IS NULL OR r.person_id = '') AS is_gap
FROM roles r
LEFT JOIN people p ON p.id = r.person_id
LEFT JOIN forum_x f ON f.id = r.forum_id
LEFT JOIN organisations o ON o.id = r.organisation_id
LEFT JOIN organisations po ON po.id = p.organisation_id
