package dev.condense.kernel.recipe;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.Reader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * A YAML factory whose parsers also tell the anchor of the current value and whether the next mapping key is an alias:
 * Jackson's own parser reports the anchor of mappings and lists but not of scalars, and fails on an alias used as a
 * key with an internal event name as its message.
 */
final class EventYamlFactory extends YAMLFactory {
    private static final long serialVersionUID = 1L;

    @Override
    protected YAMLParser _createParser(Reader r, IOContext ctxt) {
        return new EventParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
    }

    /** Jackson's YAML parser with access to the SnakeYAML event behind the current token. */
    static final class EventParser extends YAMLParser {
        EventParser(IOContext ctxt, int parserFeatures, int formatFeatures, LoaderOptions options,
                com.fasterxml.jackson.core.ObjectCodec codec, Reader reader) {
            super(ctxt, parserFeatures, formatFeatures, options, codec, reader);
        }

        /** The anchor ({@code &name}) of the current value, or null (an alias has none). */
        String anchor() {
            return !isCurrentAlias() && _lastEvent instanceof NodeEvent n ? n.getAnchor() : null;
        }

        /** The next event when it is an alias, without consuming it; else null. */
        AliasEvent aliasAhead() throws JsonParseException {
            Event next;
            try {
                next = _yamlParser.peekEvent();
            } catch (YAMLException e) { // marked or not (an unclosed quote can end in a bare one): as Jackson reports it, here
                throw new JsonParseException(this, e.getMessage(), e);
            }
            return next instanceof AliasEvent a ? a : null;
        }
    }
}
