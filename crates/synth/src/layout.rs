//! The shape of the estate: how many GitHub and Azure DevOps repositories there are, which
//! organisation (and project) each repository belongs to, and what each organisation is like.
//!
//! Repositories are numbered `0..repos`; the Azure DevOps ones are spread evenly among them
//! (Bresenham-style), so every chunk of the generation mixes both platforms in the requested
//! share. Everything here is arithmetic on indices: no per-repository state is kept.

use crate::names;
use crate::rng::Rng;

/// GitHub repositories per organisation (roughly).
const REPOS_PER_GITHUB_ORG: u64 = 5_000;
/// At least this many GitHub organisations (when there are that many repositories), so the
/// organisation-level settings vary.
const MIN_GITHUB_ORGS: u64 = 3;
/// Azure DevOps repositories per project.
pub(crate) const REPOS_PER_PROJECT: u64 = 40;
/// From this many Azure DevOps repositories on, a second Azure DevOps organisation.
const SECOND_AZURE_ORG_FROM: u64 = 200;

/// How an organisation or project is run: its settings are drawn around this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hygiene {
    /// Locked down: almost every control on.
    Strict,
    /// Grown fast: most controls off.
    Lax,
    /// Somewhere in between, drawn per setting.
    Mixed,
}

impl Hygiene {
    /// The first unit is strict, the second lax, the others mixed: every organisation-level
    /// control has a passing and a failing example as soon as there are two units.
    pub(crate) fn of(index: u64) -> Self {
        match index {
            0 => Hygiene::Strict,
            1 => Hygiene::Lax,
            _ => Hygiene::Mixed,
        }
    }

    /// Probability that a given control is in its secure state.
    pub(crate) fn p_good(self) -> f64 {
        match self {
            Hygiene::Strict => 0.85,
            Hygiene::Lax => 0.3,
            Hygiene::Mixed => 0.6,
        }
    }

    /// Draws whether one control is in its secure state.
    pub(crate) fn good(self, rng: &mut Rng) -> bool {
        match self {
            Hygiene::Strict => true,
            Hygiene::Lax => false,
            Hygiene::Mixed => rng.chance(0.5),
        }
    }
}

/// A GitHub organisation.
#[derive(Debug, Clone)]
pub(crate) struct GithubOrg {
    pub index: u64,
    pub name: String,
    /// Repositories in this organisation.
    pub repos: u64,
    pub hygiene: Hygiene,
    /// Seeds the organisation's names (repositories, logins).
    pub salt: u64,
    /// Members (without outside collaborators).
    pub members: u64,
    /// Outside collaborators.
    pub outside: u64,
    /// Teams.
    pub teams: u64,
}

/// An Azure DevOps organisation.
#[derive(Debug, Clone)]
pub(crate) struct AzureOrg {
    pub index: u64,
    pub name: String,
    pub repos: u64,
    pub projects: u64,
    pub hygiene: Hygiene,
    pub salt: u64,
    /// Mail domain of its users.
    pub domain: String,
    /// Users.
    pub users: u64,
}

/// Where one repository sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The `local`-th repository of GitHub organisation `org`.
    Github { org: usize, local: u64 },
    /// The `local`-th repository of project `project` of Azure DevOps organisation `org`.
    Azure {
        org: usize,
        project: u64,
        local: u64,
    },
}

/// The whole estate's layout.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub repos: u64,
    pub azure_repos: u64,
    pub github_per_org: u64,
    pub azure_per_org: u64,
    pub github: Vec<GithubOrg>,
    pub azure: Vec<AzureOrg>,
}

fn ceil_div(a: u64, b: u64) -> u64 {
    if b == 0 { 0 } else { a.div_ceil(b) }
}

impl Layout {
    /// The layout of `repos` repositories of which `azure_repos` are on Azure DevOps.
    pub(crate) fn new(seed: u64, repos: u64, azure_repos: u64) -> Self {
        let company = names::company(seed);
        let github_repos = repos - azure_repos.min(repos);
        let wanted = MIN_GITHUB_ORGS
            .max(ceil_div(github_repos, REPOS_PER_GITHUB_ORG))
            .min(github_repos);
        let github_per_org = ceil_div(github_repos, wanted);
        let github_orgs = ceil_div(github_repos, github_per_org);
        let github = (0..github_orgs)
            .map(|i| {
                let n = github_per_org.min(github_repos - i * github_per_org);
                let mut rng = Rng::keyed(seed, &[crate::keys::GITHUB_ORG, i]);
                GithubOrg {
                    index: i,
                    name: names::github_org(company, i as usize),
                    repos: n,
                    hygiene: Hygiene::of(i),
                    salt: rng.next_u64(),
                    members: 12 + n / 5,
                    outside: 2 + n / 60,
                    teams: 6 + n / 40,
                }
            })
            .collect();
        let azure_orgs = match azure_repos {
            0 => 0,
            n if n < SECOND_AZURE_ORG_FROM => 1,
            _ => 2,
        };
        let azure_per_org = ceil_div(azure_repos, azure_orgs);
        let azure_orgs = ceil_div(azure_repos, azure_per_org);
        let azure = (0..azure_orgs)
            .map(|i| {
                let n = azure_per_org.min(azure_repos - i * azure_per_org);
                let mut rng = Rng::keyed(seed, &[crate::keys::AZURE_ORG, i]);
                AzureOrg {
                    index: i,
                    name: names::azure_org(company, i as usize),
                    repos: n,
                    projects: ceil_div(n, REPOS_PER_PROJECT),
                    // The first organisation leaves enforcement to its projects (lax at the
                    // organisation level); the second enforces everything organisation-wide.
                    hygiene: if i == 0 {
                        Hygiene::Lax
                    } else {
                        Hygiene::Strict
                    },
                    salt: rng.next_u64(),
                    domain: format!("{company}.com"),
                    users: 20 + n / 8,
                }
            })
            .collect();
        Self {
            repos,
            azure_repos,
            github_per_org,
            azure_per_org,
            github,
            azure,
        }
    }

    /// Azure DevOps repositories among the first `i` repositories.
    fn azure_before(&self, i: u64) -> u64 {
        if self.repos == 0 {
            return 0;
        }
        (u128::from(i) * u128::from(self.azure_repos) / u128::from(self.repos)) as u64
    }

    /// Where repository `i` sits.
    pub(crate) fn slot(&self, i: u64) -> Slot {
        let before = self.azure_before(i);
        if self.azure_before(i + 1) > before {
            let per = self.azure_per_org.max(1);
            let org = before / per;
            let in_org = before % per;
            Slot::Azure {
                org: org as usize,
                project: in_org / REPOS_PER_PROJECT,
                local: in_org % REPOS_PER_PROJECT,
            }
        } else {
            let g = i - before;
            let per = self.github_per_org.max(1);
            Slot::Github {
                org: (g / per) as usize,
                local: g % per,
            }
        }
    }

    /// Repositories in project `project` of Azure DevOps organisation `org`.
    pub(crate) fn project_repos(&self, org: &AzureOrg, project: u64) -> u64 {
        REPOS_PER_PROJECT.min(org.repos.saturating_sub(project * REPOS_PER_PROJECT))
    }

    /// `github:<org>` and `azure_devops:<org>` for the manifest.
    pub(crate) fn sources(&self) -> Vec<String> {
        self.github
            .iter()
            .map(|o| format!("github:{}", o.name))
            .chain(
                self.azure
                    .iter()
                    .map(|o| format!("azure_devops:{}", o.name)),
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn census(l: &Layout) -> (Vec<u64>, Vec<u64>) {
        let mut gh = vec![0; l.github.len()];
        let mut az = vec![0; l.azure.len()];
        for i in 0..l.repos {
            match l.slot(i) {
                Slot::Github { org, local } => {
                    assert_eq!(local, gh[org]);
                    gh[org] += 1;
                }
                Slot::Azure {
                    org,
                    project,
                    local,
                } => {
                    assert_eq!(project * REPOS_PER_PROJECT + local, az[org]);
                    az[org] += 1;
                }
            }
        }
        (gh, az)
    }

    #[test]
    fn every_repository_has_one_slot() {
        for (repos, azure) in [(1, 0), (1, 1), (10, 3), (300, 90), (10_000, 3_000), (4, 0)] {
            let l = Layout::new(1, repos, azure);
            let (gh, az) = census(&l);
            assert_eq!(gh, l.github.iter().map(|o| o.repos).collect::<Vec<_>>());
            assert_eq!(az, l.azure.iter().map(|o| o.repos).collect::<Vec<_>>());
            assert_eq!(az.iter().sum::<u64>(), azure);
            assert_eq!(gh.iter().sum::<u64>(), repos - azure);
            assert!(l.github.iter().all(|o| o.repos > 0));
            assert!(l.azure.iter().all(|o| o.repos > 0));
        }
    }

    #[test]
    fn organisation_counts() {
        let l = Layout::new(1, 100_000, 30_000);
        assert_eq!(l.github.len(), 14);
        assert_eq!(l.azure.len(), 2);
        assert_eq!(l.azure[0].projects, 375);
        let l = Layout::new(1, 2_000, 600);
        assert_eq!(l.github.len(), 3);
        assert_eq!(l.azure.len(), 2);
    }
}
