package dev.omnibus.build;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code omnibus-bom} is not a child of the parent POM (importing it must not drag in test and plugin
 * pins), so it repeats the third-party versions users need to stay consistent. They must be exactly the
 * versions the build uses.
 */
class BomVersionsTest {
    private static Map<String, String> properties(Path pom) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        Map<String, String> out = new LinkedHashMap<>();
        NodeList props = doc.getDocumentElement().getElementsByTagName("properties");
        for (int i = 0; i < props.getLength(); i++) {
            if (props.item(i).getParentNode() != doc.getDocumentElement()) continue;
            NodeList children = props.item(i).getChildNodes();
            for (int j = 0; j < children.getLength(); j++) {
                Node n = children.item(j);
                if (n instanceof Element e) out.put(e.getTagName(), e.getTextContent().trim());
            }
        }
        return out;
    }

    @Test void theBomPinsTheVersionsTheBuildUses() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(Files.exists(root.resolve("bom/pom.xml"))).as("run from the api module of the reactor").isTrue();
        Map<String, String> parent = properties(root.resolve("pom.xml"));
        Map<String, String> bom = properties(root.resolve("bom/pom.xml"));
        assertThat(bom).as("the BOM's version properties").isNotEmpty();
        bom.forEach((key, version) -> assertThat(version).as("%s in bom/pom.xml vs the root pom.xml", key).isEqualTo(parent.get(key)));
        for (String needed : new String[] {"jackson.version", "cloudevents.version", "resilience4j.version", "slf4j.version",
                "kafka.version", "pulsar.version", "amqp-client.version", "jnats.version"}) {
            assertThat(bom).as("the BOM manages %s", needed).containsKey(needed);
        }
    }
}
