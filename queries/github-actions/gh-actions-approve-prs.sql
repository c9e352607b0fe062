-- id: gh-actions-approve-prs
-- title: Workflows can approve pull requests
-- severity: high
-- platforms: github
-- description: A workflow's GITHUB_TOKEN can approve pull requests, so anyone who can push a workflow can satisfy required reviews with a bot approval.
-- remediation: Organisation (and repository) settings > Actions > General: untick Allow GitHub Actions to create and approve pull requests.
-- tactics: privilege-escalation, defense-evasion
-- references: Legitify actions_can_approve_pull_requests; CIS SSCS 1.1.3
SELECT
    CASE WHEN scope = 'org' THEN 'org' ELSE 'repository' END AS resource_type,
    CASE WHEN scope = 'org' THEN org ELSE org || '/' || repo END AS resource,
    CASE
        WHEN can_approve_pull_request_reviews IS NULL THEN 'setting could not be read'
        WHEN can_approve_pull_request_reviews THEN 'GitHub Actions can create and approve pull requests'
        ELSE 'GitHub Actions cannot approve pull requests'
    END AS reason,
    CASE
        WHEN can_approve_pull_request_reviews IS NULL THEN 'unknown'
        WHEN can_approve_pull_request_reviews THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, repo
FROM pipeline_settings
WHERE platform = 'github' AND scope IN ('org', 'repo')
