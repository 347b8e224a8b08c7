#!/usr/bin/env ruby
# Regenerates Workers/Languages/Data/*.json from the data files GitHub Linguist publishes, as installed by the
# Debian package ruby-github-linguist (and ruby-mini-mime, the MIME table Linguist uses).
#
#   apt-get install -y ruby-github-linguist
#   ruby scripts/update-linguist-data.rb            # or: scripts/update-linguist-data.rb OUTPUT_DIR
#
# Only data is converted (YAML and JSON to JSON); none of Linguist's code is used or copied.
require 'json'
require 'yaml'

def package_file(package, suffix)
  path = `dpkg -L #{package} 2>/dev/null`.lines.map(&:strip).find { |line| line.end_with?(suffix) }
  abort "#{package} is not installed or has no #{suffix}: run 'apt-get install -y #{package}'." unless path && File.file?(path)
  path
end

out = ARGV[0] || File.expand_path('../Workers/Languages/Data', __dir__)
Dir.mkdir(out) unless Dir.exist?(out)
data_dir = File.dirname(package_file('ruby-github-linguist', '/lib/linguist/languages.yml'))
version = File.read(File.join(data_dir, 'VERSION')).strip
yaml = ->(name) { YAML.load_file(File.join(data_dir, name)) }
write = lambda do |name, value|
  File.write(File.join(out, name), JSON.generate(value) + "\n")
  puts "#{name}: #{File.size(File.join(out, name))} bytes"
end

samples = JSON.parse(File.read(File.join(data_dir, 'samples.json')))

# languages.yml, with the extensions and interpreters of Linguist's samples merged in, as Linguist itself does at load.
languages = yaml.('languages.yml').map do |name, options|
  extensions = Array(options['extensions'])
  (samples['extnames'][name] || []).each do |ext|
    extensions << ext unless extensions.any? { |known| known.downcase.end_with?(ext.downcase) }
  end
  interpreters = (Array(options['interpreters']) | (samples['interpreters'][name] || [])).sort
  {
    'name' => name,
    'type' => options['type'],
    'group' => options['group'],
    'aliases' => [name.downcase.gsub(/\s/, '-')] + Array(options['aliases']),
    'extensions' => extensions,
    'filenames' => Array(options['filenames']),
    'interpreters' => interpreters,
    'language_id' => options['language_id'],
  }.compact
end
write.('languages.json', { 'linguist_version' => version, 'languages' => languages })

write.('heuristics.json', yaml.('heuristics.yml'))
write.('vendor.json', yaml.('vendor.yml'))
write.('documentation.json', yaml.('documentation.yml'))
write.('generic.json', yaml.('generic.yml')['extensions'])

# The classifier's token counts (Linguist's samples.json), without the fields the language table already carries.
write.('classifier.json', samples.slice('tokens_total', 'languages_total', 'languages', 'language_tokens', 'tokens'))

# mini_mime's extension table ("ext  content/type  encoding"), which gives Linguist its MIME types.
mime = {}
File.foreach(package_file('ruby-mini-mime', '/db/ext_mime.db')) do |line|
  ext, content_type = line.split
  mime[ext] = content_type if content_type
end
write.('mime.json', mime)
