//! The table of contents of a book: where each post sits (its groups), and which groups are
//! worth a page of their own. The book (`book.rs`) builds the tree and writes the pages.

/// One level of a post's place in the table of contents: how it sorts, and its heading.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct GroupKey {
    /// 0 for a real group, 1 for "undated" and "uncategorized", which come last.
    pub(super) rank: u8,
    pub(super) number: i64,
    pub(super) text: String,
}

pub(super) enum Node {
    Group {
        /// Its page, `part-001.xhtml`, numbered in reading order within the volume.
        file: String,
        key: GroupKey,
        heading: String,
        children: Vec<Node>,
    },
    Post(usize),
}

/// The groups worth a page of their own: one with fewer than `min_posts` posts is dissolved
/// into its parent (its posts listed there), and so is a group that is the only child of its
/// parent (a year whose posts are all of one month needs no month page).
pub(super) fn collapse(nodes: Vec<Node>, min_posts: usize) -> Vec<Node> {
    let mut kept = Vec::with_capacity(nodes.len());
    for node in nodes {
        match node {
            Node::Post(index) => kept.push(Node::Post(index)),
            Node::Group {
                file,
                key,
                heading,
                children,
            } => {
                let mut children = collapse(children, min_posts);
                if let [Node::Group { .. }] = children.as_slice() {
                    if let Some(Node::Group {
                        children: grandchildren,
                        ..
                    }) = children.pop()
                    {
                        children = grandchildren;
                    }
                }
                if post_count(&children) < min_posts {
                    kept.extend(children);
                } else {
                    kept.push(Node::Group {
                        file,
                        key,
                        heading,
                        children,
                    });
                }
            }
        }
    }
    kept
}

fn post_count(nodes: &[Node]) -> usize {
    nodes
        .iter()
        .map(|node| match node {
            Node::Post(_) => 1,
            Node::Group { children, .. } => post_count(children),
        })
        .sum()
}

/// Group pages numbered again in reading order, after `collapse`.
pub(super) fn renumber(nodes: &mut [Node], number: &mut usize) {
    for node in nodes {
        if let Node::Group { file, children, .. } = node {
            *number += 1;
            *file = format!("part-{number:03}.xhtml");
            renumber(children, number);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(key: i64, children: Vec<Node>) -> Node {
        Node::Group {
            file: String::new(),
            key: GroupKey {
                rank: 0,
                number: key,
                text: String::new(),
            },
            heading: key.to_string(),
            children,
        }
    }

    /// The tree as text: groups by heading, posts by index.
    fn shape(nodes: &[Node]) -> String {
        nodes
            .iter()
            .map(|node| match node {
                Node::Post(index) => index.to_string(),
                Node::Group {
                    heading, children, ..
                } => format!("{heading}({})", shape(children)),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn only_groups_worth_a_page_keep_one() {
        let tree = || {
            vec![
                // 2009: one post in May, one in June.
                group(
                    2009,
                    vec![group(5, vec![Node::Post(0)]), group(6, vec![Node::Post(1)])],
                ),
                // 2010: four posts, all in March.
                group(2010, vec![group(3, (2..6).map(Node::Post).collect())]),
                // 2011: three in April, three in May.
                group(
                    2011,
                    vec![
                        group(4, (6..9).map(Node::Post).collect()),
                        group(5, (9..12).map(Node::Post).collect()),
                    ],
                ),
            ]
        };
        assert_eq!(
            shape(&collapse(tree(), 3)),
            "0 1 2010(2 3 4 5) 2011(4(6 7 8) 5(9 10 11))"
        );
        assert_eq!(
            shape(&collapse(tree(), 1)),
            "2009(5(0) 6(1)) 2010(2 3 4 5) 2011(4(6 7 8) 5(9 10 11))",
            "a group that is its parent's only child never gets a page"
        );
    }
}
