# The oracle of tests/kramdown_oracle.rs: post bodies rendered to HTML by kramdown exactly as
# Jekyll 4 configures it by default (`input: GFM`, `auto_ids`, `hard_wrap: false`,
# `smart_quotes: lsquo,rsquo,ldquo,rdquo`, `entity_output: as_char`, `footnote_nr: 1`,
# `toc_levels: 1..6`, rouge highlighting with `default_lang: plaintext` and `guess_lang`).
#
# Jekyll runs Liquid before kramdown. This script has no Liquid engine and no theme, so it does
# to the Liquid of a body what Jekyll's output would amount to, as far as the Markdown sees it:
#
# - `{% raw %}…{% endraw %}`: the content, literally (no Liquid inside is touched);
# - `{% comment %}…{% endcomment %}`: nothing, content and all;
# - `{% highlight LANG … %}…{% endhighlight %}`: a fenced code block with that language
#   (Jekyll renders a code block with that language);
# - `{{ site.url }}`, `{{ site.baseurl }}`, `{{ site.title }}` and `{{ "path" | relative_url }}`,
#   `{{ "path" | absolute_url }}`: the site's values, as given with the body;
# - every other tag or output (`{% include … %}`, `{% capture %}`, `{% if %}`, `{{ page.x }}`):
#   nothing. What an include would have inserted depends on the theme; a capture's content
#   stays where it is written.
#
# Input on standard input: one JSON object per line, `{"name": …, "body": …, "site": {"url":
# …, "baseurl": …, "title": …}}` (site values may be null). Output: one JSON object per line,
# `{"name": …, "html": …}`, in the same order.

require 'json'
require 'kramdown'
require 'kramdown-parser-gfm'

OPTIONS = {
  input: 'GFM',
  auto_ids: true,
  toc_levels: (1..6).to_a,
  entity_output: 'as_char',
  smart_quotes: 'lsquo,rsquo,ldquo,rdquo',
  hard_wrap: false,
  footnote_nr: 1,
  syntax_highlighter: 'rouge',
  syntax_highlighter_opts: { default_lang: 'plaintext', guess_lang: true },
}.freeze

LIQUID = /\{%-?\s*(\w+)(.*?)-?%\}|\{\{-?(.*?)-?\}\}/m

def site_value(expression, site)
  base = (site['baseurl'] || '').chomp('/')
  url = (site['url'] || '').chomp('/')
  case expression.strip
  when 'site.url' then url
  when 'site.baseurl' then base
  when 'site.title' then site['title'] || ''
  when /\A(["'])(.*)\1\s*\|\s*(relative_url|absolute_url)\z/
    path = Regexp.last_match(2)
    path = "/#{path}" unless path.empty? || path.start_with?('/')
    Regexp.last_match(3) == 'relative_url' ? "#{base}#{path}" : "#{url}#{base}#{path}"
  else ''
  end
end

def render_liquid(body, site)
  out = +''
  rest = body
  until rest.empty?
    match = LIQUID.match(rest)
    unless match
      out << rest
      break
    end
    out << match.pre_match
    rest = match.post_match
    if match[3]
      out << site_value(match[3], site)
      next
    end
    keyword = match[1]
    arguments = match[2].split
    case keyword
    when 'raw'
      close = /\{%-?\s*endraw\s*-?%\}/.match(rest)
      if close
        out << close.pre_match
        rest = close.post_match
      else
        out << rest
        rest = ''
      end
    when 'comment'
      close = /\{%-?\s*endcomment\s*-?%\}/.match(rest)
      rest = close ? close.post_match : ''
    when 'highlight'
      out << "```#{arguments.first}"
    when 'endhighlight'
      out << '```'
    end
  end
  out
end

$stdout.sync = false
$stdin.each_line do |line|
  post = JSON.parse(line)
  body = render_liquid(post['body'], post['site'] || {})
  html = Kramdown::Document.new(body, OPTIONS).to_html
  $stdout.puts(JSON.generate({ 'name' => post['name'], 'html' => html }))
end
