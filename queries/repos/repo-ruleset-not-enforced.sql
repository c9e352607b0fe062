-- id: repo-ruleset-not-enforced
-- title: Ruleset on the default branch is not enforced
-- severity: medium
-- platforms: github
-- description: A ruleset in evaluate or disabled mode only reports (or does nothing); the protection it describes is not in force.
-- remediation: Set the ruleset's Enforcement status to Active once its evaluation insights look right.
-- tactics: defense-evasion
-- references: GitHub docs "About rulesets" (enforcement statuses)
SELECT
    'ruleset' AS resource_type,
    concat_ws('/', org, project, repo) || ':' || coalesce(branch_pattern, '')
        || coalesce(' (ruleset ' || array_to_string(source_ids, ',') || ')', '') AS resource,
    CASE
        WHEN enforcement IS NULL THEN 'ruleset enforcement could not be read'
        ELSE 'ruleset enforcement: ' || enforcement
    END AS reason,
    CASE
        WHEN enforcement IS NULL THEN 'unknown'
        WHEN enforcement IN ('evaluate', 'disabled') THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, project, repo
FROM branch_policies
WHERE platform = 'github' AND source LIKE '%ruleset%' AND applies_to_default_branch = true
