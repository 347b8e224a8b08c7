#!/usr/bin/env ruby
# Prints, as JSON, what the real GitHub Linguist (the ruby-github-linguist library) says of every file of a git
# repository's HEAD: language, type, lines, sloc and the vendored/generated/documentation flags, read the way
# Linguist's own repository statistics read blobs (LazyBlob, at most 128 KiB of each). Used by compare-linguist.sh.
#
#   ruby scripts/linguist-files.rb REPO > linguist.json
require 'json'
require 'linguist'
require 'rugged'

repo = Rugged::Repository.new(ARGV.fetch(0) { abort 'usage: linguist-files.rb REPO' })
results = {}
repo.head.target.tree.walk_blobs(:preorder) do |root, entry|
  next unless entry[:filemode] & 0o170000 == 0o100000 # regular files; links and submodules are not read
  path = root + entry[:name]
  blob = Linguist::LazyBlob.new(repo, entry[:oid], path, entry[:filemode].to_s(8))
  binary = blob.binary? || blob.likely_binary?
  language = blob.language
  results[path] = {
    language: language&.name,
    type: language&.type,
    group: language&.group&.name,
    binary: binary,
    lines: binary ? 0 : blob.loc,
    sloc: binary ? 0 : blob.sloc,
    vendored: blob.vendored?,
    generated: blob.generated?,
    documentation: blob.documentation?,
    in_breakdown: blob.include_in_language_stats? ? true : false,
  }
  blob.cleanup!
end
puts JSON.generate(results)
